import type { RootCauseAnalysis } from "../../core/finding.js";
import type { ChatModel } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import { type AgentResult, callAgent } from "../shared/call-agent.js";
import { buildDebuggerMessages, type DebuggerInput } from "./prompt.js";
import { RCA_SCHEMA_NAME, rcaOutputSchema } from "./schema.js";

/**
 * Asks the debugger for a five-whys root-cause analysis of a failed attempt (technique: Toyota's "5 whys").
 * Empty whys are dropped.
 *
 * @throws ModelError, CancelledError (from the ChatModel port)
 */
export async function analyzeRootCause(
  model: ChatModel,
  entry: RosterEntry,
  input: DebuggerInput,
  signal?: AbortSignal,
): Promise<AgentResult<RootCauseAnalysis>> {
  const answer = await callAgent(
    model,
    entry,
    {
      messages: buildDebuggerMessages(entry, input),
      schema: rcaOutputSchema(entry.sampling.maxTokens),
      schemaName: RCA_SCHEMA_NAME,
    },
    signal,
  );
  const value: RootCauseAnalysis = {
    symptom: answer.value.symptom.trim(),
    whys: answer.value.whys.map((why) => why.trim()).filter((why) => why.length > 0),
    rootCause: answer.value.rootCause.trim(),
    nextAttemptAdvice: answer.value.nextAttemptAdvice.trim(),
    attempt: input.attempt,
  };
  return { ...answer, value };
}
