import { z } from "zod";
import { type AnswerBudget, fitEachString, memoBySize, scaled } from "../shared/answer-size.js";
import { editAnswerFields, MAX_EDITS } from "../shared/edit-schema.js";

/** Schema name of the coder's (and coding specialists') answer. */
export const CODER_SCHEMA_NAME = "CoderOutput";

function build(scale: number) {
  return z.object({
    explanation: z.string().max(scaled(400, scale, 40)),
    ...editAnswerFields(scale, MAX_EDITS),
  });
}

/**
 * The coder's answer: a short explanation, up to 8 edits (see `editItemSchema`), line ranges to read before the
 * next call, and `more` when further edits follow in another call. Each text may take the whole answer's room at
 * the model's measured density (see `fitEachString`).
 */
export const coderOutputSchema = memoBySize((budget: AnswerBudget) => fitEachString(budget, build));

/** The coder's answer at full size. */
export const CoderOutput = build(1);
export type CoderOutput = z.infer<typeof CoderOutput>;
