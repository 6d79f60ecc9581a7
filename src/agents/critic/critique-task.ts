import type { PlanDecision } from "../../core/plan.js";
import { defineTask } from "../shared/agent-task.js";
import type { AnswerBudget } from "../shared/answer-size.js";
import { choosePlan } from "./choose-plan.js";
import { buildCriticMessages, type CriticInput } from "./prompt.js";
import { CRITIC_SCHEMA_NAME, type CritiqueOutput, critiqueOutputSchema } from "./schema.js";

/**
 * The planner-critic's second task: critique the candidates and choose one; the choice is validated by
 * {@link choosePlan}. Run by the planner entry (its role), with two or more candidates (one needs no critique).
 */
export const CRITIQUE_TASK = defineTask({
  schemaName: CRITIC_SCHEMA_NAME,
  alsoRunBy: ["planner"],
  schema: (budget: AnswerBudget, input: CriticInput) => critiqueOutputSchema(budget, input.candidates.length),
  messages: buildCriticMessages,
  finish: (answer: CritiqueOutput, input: CriticInput): PlanDecision => choosePlan(input.candidates, answer),
});
