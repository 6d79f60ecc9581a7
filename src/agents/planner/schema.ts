import { z } from "zod";
import { fitSchema, memoBySize, scaled, scaledCount } from "../shared/answer-size.js";

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
                .max(scaled(160, scale, 16)),
            )
            .max(scaledCount(4, scale)),
          intent: z.string().max(scaled(300, scale, 16)),
          agent: z.string().max(scaled(40, scale, 16)),
        }),
      )
      .min(1)
      .max(scaledCount(5, scale)),
  });
}

/** One candidate plan: summary and 1..5 steps (files, intent, roster agent id). Limits shrink to fit `maxTokens`. */
export const plannerOutputSchema = memoBySize((maxTokens: number) => fitSchema(maxTokens, build));

/** The planner's answer at full size. */
export const PlannerOutput = build(1);
export type PlannerOutput = z.infer<typeof PlannerOutput>;
