import { z } from "zod";
import { type AnswerBudget, fitEachString, memoBySize, scaled } from "../shared/answer-size.js";
import { editAnswerFields } from "../shared/edit-schema.js";

/** Schema name of the tester's answer. */
export const TESTER_SCHEMA_NAME = "TesterOutput";

/** Most edits in one tester answer. */
const MAX_TEST_EDITS = 4;

function build(scale: number) {
  return z.object({
    testName: z.string().max(scaled(120, scale, 40)),
    rationale: z.string().max(scaled(300, scale, 40)),
    ...editAnswerFields(scale, MAX_TEST_EDITS),
  });
}

/**
 * The tester's answer: the test's name, why it pins the issue, up to 4 edits to test files, line ranges to read
 * and `more` (as the coder's); each text may take the whole answer's room (see `fitEachString`).
 */
export const testerOutputSchema = memoBySize((budget: AnswerBudget) => fitEachString(budget, build));

/** The tester's answer at full size. */
export const TesterOutput = build(1);
export type TesterOutput = z.infer<typeof TesterOutput>;
