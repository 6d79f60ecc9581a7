import { z } from "zod";
import { type AnswerBudget, fitSchema, memoBySize, scaled, scaledCount } from "../shared/answer-size.js";

/** Schema name of the planner's answer (traces, servers). */
export const PLANNER_SCHEMA_NAME = "PlannerOutput";

function build(scale: number) {
  return z.object({
    summary: z.string().max(scaled(300, scale, 16)),
    steps: z
      .array(
        z.object({
          files: z
            .array(
              z
                .string()
                .min(1)
                .max(scaled(160, scale, 40)),
            )
            .max(scaledCount(6, scale)),
          intent: z.string().max(scaled(300, scale, 16)),
          agent: z.string().max(scaled(40, scale, 16)),
        }),
      )
      .min(1)
      .max(scaledCount(5, scale)),
  });
}

/**
 * One candidate plan: summary and 1..5 steps (up to 6 files each, intent, roster agent id). Limits shrink until the
 * whole answer fits the token cap at the model's measured density (see `fitSchema`); paths stay ≥ 40 characters.
 */
export const plannerOutputSchema = memoBySize((budget: AnswerBudget) => fitSchema(budget, build));

/** The planner's answer at full size. */
export const PlannerOutput = build(1);
export type PlannerOutput = z.infer<typeof PlannerOutput>;
