import { choosePlan } from "../../agents/critic/choose-plan.js";
import { critiquePlans } from "../../agents/critic/critique-plans.js";
import { proposePlan } from "../../agents/planner/propose-plan.js";
import { AGENT_IDS, canCode } from "../../agents/roster.js";
import { isTanukiError } from "../../core/errors.js";
import type { Plan, PlanDecision } from "../../core/plan.js";
import { briefFor } from "../briefing.js";
import { BudgetExhaustedSignal } from "../budgets.js";
import type { RunContext } from "../run-context.js";
import { issueText, type RunState } from "../run-state.js";

/** True for errors that must stop the run (cancel, budget) rather than be absorbed by a fallback. */
export function mustPropagate(error: unknown): boolean {
  return error instanceof BudgetExhaustedSignal || isTanukiError(error, "cancelled");
}

/**
 * Plan (planner-critic): K candidate plans (`config.planCandidates`, one call each, different seeds), a critique
 * of all of them, and a validated choice (see `choosePlan`).
 *
 * Robustness: a candidate whose call fails (model error) is skipped and logged; when every candidate fails the
 * error is rethrown. When the critique fails, the choice falls back to `choosePlan` with no scores (fewest steps).
 */
export async function planPhase(ctx: RunContext, state: RunState): Promise<PlanDecision> {
  const planner = ctx.agent(AGENT_IDS.planner);
  const briefing = await briefFor(ctx, state);
  const agents = ctx.roster.filter(canCode).map((entry) => ({ id: entry.id, description: entry.description }));
  const candidates: Plan[] = [];
  let lastError: unknown;
  for (let index = 0; index < ctx.config.planCandidates; index += 1) {
    try {
      const answer = await proposePlan(
        ctx.model,
        planner,
        {
          issue: issueText(ctx.task),
          briefing,
          agents,
          candidateIndex: index,
          earlierSummaries: candidates.map((plan) => plan.summary),
        },
        ctx.signal,
      );
      candidates.push(answer.value);
    } catch (error) {
      if (mustPropagate(error)) throw error;
      lastError = error;
      ctx.emit({ type: "log", level: "warn", message: `plan candidate ${index + 1} failed: ${String(error)}` });
    }
  }
  if (candidates.length === 0) throw lastError ?? new Error("no candidate plan");
  let decision: PlanDecision;
  try {
    decision = (
      await critiquePlans(ctx.model, planner, { issue: issueText(ctx.task), briefing, candidates }, ctx.signal)
    ).value;
  } catch (error) {
    if (mustPropagate(error)) throw error;
    ctx.emit({ type: "log", level: "warn", message: `plan critique failed: ${String(error)}` });
    decision = choosePlan(candidates, {
      critiques: [],
      chosenIndex: -1,
      reasons: "The critique failed; chose by size.",
    });
  }
  state.plan = decision;
  const chosen = decision.candidates[decision.chosenIndex];
  ctx.world.addNote(
    `plan ${decision.chosenIndex + 1} of ${decision.candidates.length} chosen: ${chosen?.summary ?? ""}`,
  );
  return decision;
}
