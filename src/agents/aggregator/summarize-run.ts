import type { ChatModel } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import { type AgentResult, callAgent } from "../shared/call-agent.js";
import { type AggregatorInput, buildAggregatorMessages } from "./prompt.js";
import { AGGREGATOR_SCHEMA_NAME, aggregatorOutputSchema } from "./schema.js";

/** The aggregator's validated answer. */
export interface RunSummary {
  title: string;
  summary: string;
}

/**
 * Asks the aggregator for the PR title and summary. Line breaks in the title become spaces.
 *
 * @throws ModelError, CancelledError (from the ChatModel port)
 */
export async function summarizeRun(
  model: ChatModel,
  entry: RosterEntry,
  input: AggregatorInput,
  signal?: AbortSignal,
): Promise<AgentResult<RunSummary>> {
  const answer = await callAgent(
    model,
    entry,
    {
      messages: buildAggregatorMessages(entry, input),
      schema: aggregatorOutputSchema(entry.sampling.maxTokens),
      schemaName: AGGREGATOR_SCHEMA_NAME,
    },
    signal,
  );
  return {
    ...answer,
    value: { title: answer.value.title.replace(/\s+/g, " ").trim(), summary: answer.value.summary.trim() },
  };
}
