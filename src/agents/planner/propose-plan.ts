import type { Plan } from "../../core/plan.js";
import type { ChatModel } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import { type AgentResult, callAgent } from "../shared/call-agent.js";
import { buildPlannerMessages, type PlannerInput } from "./prompt.js";
import { PLANNER_SCHEMA_NAME, plannerOutputSchema } from "./schema.js";

/**
 * Asks the planner for one candidate plan. Different candidates use different seeds (`seed = candidateIndex`).
 * Paths are trimmed and de-duplicated; steps without intent are dropped (a plan keeps at least its first step).
 *
 * @throws ModelError, CancelledError (from the ChatModel port)
 */
export async function proposePlan(
  model: ChatModel,
  entry: RosterEntry,
  input: PlannerInput,
  signal?: AbortSignal,
): Promise<AgentResult<Plan>> {
  const answer = await callAgent(
    model,
    entry,
    {
      messages: buildPlannerMessages(entry, input),
      schema: plannerOutputSchema(entry.sampling.maxTokens),
      schemaName: PLANNER_SCHEMA_NAME,
      seed: input.candidateIndex,
    },
    signal,
  );
  const steps = answer.value.steps.map((step) => ({
    files: [
      ...new Set(step.files.map((file) => file.trim().replace(/^(\.\/)+/, "")).filter((file) => file.length > 0)),
    ],
    intent: step.intent.trim(),
    agent: step.agent.trim(),
  }));
  const kept = steps.filter((step) => step.intent.length > 0);
  const plan: Plan = { summary: answer.value.summary.trim(), steps: kept.length > 0 ? kept : steps.slice(0, 1) };
  return { ...answer, value: plan };
}
