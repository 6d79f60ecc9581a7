import type { Plan } from "../../core/plan.js";
import { defineTask } from "../shared/agent-task.js";
import type { AnswerBudget } from "../shared/answer-size.js";
import { buildPlannerMessages, type PlannerInput } from "./prompt.js";
import { PLANNER_SCHEMA_NAME, type PlannerOutput, plannerOutputSchema } from "./schema.js";

/** Repository-relative path as a plan names it: trimmed, without leading `./`. */
function cleanPath(path: string): string {
  return path.trim().replace(/^(\.\/)+/, "");
}

/**
 * The planner's task: one candidate plan. Different candidates use different seeds (`seed = candidateIndex`).
 * Paths are trimmed and de-duplicated; steps without intent are dropped (a plan keeps at least its first step).
 */
export const PLAN_TASK = defineTask({
  schemaName: PLANNER_SCHEMA_NAME,
  schema: (budget: AnswerBudget) => plannerOutputSchema(budget),
  messages: buildPlannerMessages,
  seed: (input: PlannerInput) => input.candidateIndex,
  finish(answer: PlannerOutput): Plan {
    const steps = answer.steps.map((step) => ({
      files: [...new Set(step.files.map(cleanPath).filter((file) => file.length > 0))],
      intent: step.intent.trim(),
      agent: step.agent.trim(),
    }));
    const kept = steps.filter((step) => step.intent.length > 0);
    return { summary: answer.summary.trim(), steps: kept.length > 0 ? kept : steps.slice(0, 1) };
  },
});
