import { z } from "zod";
import { type AnswerBudget, fitSchema, memoBySize, scaled } from "../shared/answer-size.js";

/** Schema name of the debugger's answer. */
export const RCA_SCHEMA_NAME = "RcaOutput";

function build(scale: number) {
  return z.object({
    symptom: z.string().max(scaled(300, scale, 8)),
    whys: z
      .array(z.string().max(scaled(240, scale, 8)))
      .min(1)
      .max(5),
    rootCause: z.string().max(scaled(300, scale, 8)),
    nextAttemptAdvice: z.string().max(scaled(400, scale, 8)),
  });
}

/** The five-whys analysis: symptom, 1..5 whys, root cause, advice for the next attempt. */
export const rcaOutputSchema = memoBySize((budget: AnswerBudget) => fitSchema(budget, build));

/** The debugger's answer at full size. */
export const RcaOutput = build(1);
export type RcaOutput = z.infer<typeof RcaOutput>;
