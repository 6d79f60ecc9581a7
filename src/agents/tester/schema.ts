import { z } from "zod";
import { fitSchema, memoBySize, scaled, scaledCount } from "../shared/answer-size.js";
import { editItemSchema } from "../shared/edit-schema.js";

/** Schema name of the tester's answer. */
export const TESTER_SCHEMA_NAME = "TesterOutput";

function build(scale: number) {
  return z.object({
    testName: z.string().max(scaled(120, scale, 8)),
    rationale: z.string().max(scaled(300, scale, 8)),
    edits: z.array(editItemSchema(scale)).max(scaledCount(3, scale)),
  });
}

/** The tester's answer: the test's name, why it pins the issue, and up to 3 edits to test files. */
export const testerOutputSchema = memoBySize((maxTokens: number) => fitSchema(maxTokens, build));

/** The tester's answer at full size. */
export const TesterOutput = build(1);
export type TesterOutput = z.infer<typeof TesterOutput>;
