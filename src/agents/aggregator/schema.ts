import { z } from "zod";
import { type AnswerBudget, fitSchema, memoBySize, scaled } from "../shared/answer-size.js";

/** Schema name of the aggregator's answer. */
export const AGGREGATOR_SCHEMA_NAME = "AggregatorOutput";

function build(scale: number) {
  return z.object({
    title: z.string().max(scaled(72, scale, 16)),
    summary: z.string().max(scaled(800, scale, 16)),
  });
}

/** The pull request's title (≤ 72 characters) and summary paragraph. */
export const aggregatorOutputSchema = memoBySize((budget: AnswerBudget) => fitSchema(budget, build));

/** The aggregator's answer at full size. */
export const AggregatorOutput = build(1);
export type AggregatorOutput = z.infer<typeof AggregatorOutput>;
