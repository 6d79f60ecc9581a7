import { z } from "zod";
import { fitSchema, memoBySize, scaled, scaledCount } from "../shared/answer-size.js";
import { editItemSchema, MAX_EDITS } from "../shared/edit-schema.js";

/** Schema name of the coder's (and coding specialists') answer. */
export const CODER_SCHEMA_NAME = "CoderOutput";

function build(scale: number) {
  return z.object({
    explanation: z.string().max(scaled(400, scale, 8)),
    edits: z.array(editItemSchema(scale)).max(scaledCount(MAX_EDITS, scale)),
  });
}

/** The coder's answer: a short explanation and up to 6 edits (see `editItemSchema`); limits fit `maxTokens`. */
export const coderOutputSchema = memoBySize((maxTokens: number) => fitSchema(maxTokens, build));

/** The coder's answer at full size. */
export const CoderOutput = build(1);
export type CoderOutput = z.infer<typeof CoderOutput>;
