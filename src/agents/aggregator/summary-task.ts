import { defineTask } from "../shared/agent-task.js";
import type { AnswerBudget } from "../shared/answer-size.js";
import { buildAggregatorMessages } from "./prompt.js";
import { AGGREGATOR_SCHEMA_NAME, type AggregatorOutput, aggregatorOutputSchema } from "./schema.js";

/** The aggregator's validated answer. */
export interface RunSummary {
  title: string;
  summary: string;
}

/** The aggregator's task: the PR title and summary. Line breaks in the title become spaces. */
export const SUMMARY_TASK = defineTask({
  schemaName: AGGREGATOR_SCHEMA_NAME,
  schema: (budget: AnswerBudget) => aggregatorOutputSchema(budget),
  messages: buildAggregatorMessages,
  finish: (answer: AggregatorOutput): RunSummary => ({
    title: answer.title.replace(/\s+/g, " ").trim(),
    summary: answer.summary.trim(),
  }),
});
