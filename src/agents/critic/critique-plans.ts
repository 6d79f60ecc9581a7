import type { PlanDecision } from "../../core/plan.js";
import type { ChatModel } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import { type AgentResult, callAgent } from "../shared/call-agent.js";
import { choosePlan } from "./choose-plan.js";
import { buildCriticMessages, type CriticInput } from "./prompt.js";
import { CRITIC_SCHEMA_NAME, critiqueOutputSchema } from "./schema.js";

/**
 * Asks the planner-critic to critique the candidates and choose one; the choice is validated by {@link choosePlan}.
 * With a single candidate no model call is made (nothing to choose between).
 *
 * @throws ModelError, CancelledError (from the ChatModel port)
 */
export async function critiquePlans(
  model: ChatModel,
  entry: RosterEntry,
  input: CriticInput,
  signal?: AbortSignal,
): Promise<AgentResult<PlanDecision>> {
  if (input.candidates.length === 1) {
    const decision = choosePlan(input.candidates, {
      critiques: [],
      chosenIndex: 0,
      reasons: "Only one candidate plan.",
    });
    return { value: decision, usage: { promptTokens: 0, completionTokens: 0 }, raw: "", durationMs: 0 };
  }
  const answer = await callAgent(
    model,
    entry,
    {
      messages: buildCriticMessages(entry, input),
      schema: critiqueOutputSchema(entry.sampling.maxTokens, input.candidates.length),
      schemaName: CRITIC_SCHEMA_NAME,
    },
    signal,
  );
  return { ...answer, value: choosePlan(input.candidates, answer.value) };
}
