import { choosePlan } from "../../agents/critic/choose-plan.js";
import { CRITIQUE_TASK } from "../../agents/critic/critique-task.js";
import { PLAN_TASK } from "../../agents/planner/plan-task.js";
import { AGENT_IDS, canCode } from "../../agents/roster.js";
import { isInvalidAnswer } from "../../agents/shared/invalid-answer-error.js";
import { runAgent } from "../../agents/shared/run-agent.js";
import { selectRelevantFiles } from "../../context/relevant-files.js";
import { isTanukiError } from "../../core/errors.js";
import type { Plan, PlanDecision } from "../../core/plan.js";
import { briefFor } from "../briefing.js";
import { BudgetExhaustedSignal } from "../budgets.js";
import type { RunContext } from "../run-context.js";
import { issueText, type RunState } from "../run-state.js";
import { consultExternalTools } from "./consult-tools.js";

/** True for errors that must stop the run (cancel, budget) rather than be absorbed by a fallback. */
export function mustPropagate(error: unknown): boolean {
  return error instanceof BudgetExhaustedSignal || isTanukiError(error, "cancelled");
}

/**
 * Plan (planner-critic): K candidate plans (`config.planCandidates`, one call each, different seeds), a critique
 * of all of them, and a validated choice (see `choosePlan`).
 *
 * Robustness: a candidate whose call fails (model error, invalid answer after its repair call) is skipped and
 * logged. When every candidate gave an invalid answer the loop goes on with {@link fallbackPlan}; another error of
 * the last candidate is rethrown. When the critique fails, the choice falls back to `choosePlan` with no scores
 * (fewest steps). With one candidate no critique is asked (nothing to choose between).
 */
export async function planPhase(ctx: RunContext, state: RunState): Promise<PlanDecision> {
  const planner = ctx.agent(AGENT_IDS.planner);
  const toolAnswers = await consultExternalTools(ctx, state);
  const briefing = [await briefFor(ctx, state), toolAnswers].filter(Boolean).join("\n\n");
  const agents = ctx.roster.filter(canCode).map((entry) => ({ id: entry.id, description: entry.description }));
  const candidates: Plan[] = [];
  let lastError: unknown;
  for (let index = 0; index < ctx.config.planCandidates; index += 1) {
    try {
      const answer = await runAgent(
        ctx.model,
        planner,
        PLAN_TASK,
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
  if (candidates.length === 0) {
    if (!isInvalidAnswer(lastError)) throw lastError ?? new Error("no candidate plan");
    candidates.push(fallbackPlan(ctx, state));
  }
  let decision: PlanDecision;
  try {
    decision =
      candidates.length === 1
        ? choosePlan(candidates, { critiques: [], chosenIndex: 0, reasons: "Only one candidate plan." })
        : (
            await runAgent(
              ctx.model,
              planner,
              CRITIQUE_TASK,
              { issue: issueText(ctx.task), briefing, candidates },
              ctx.signal,
            )
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
  if (chosen)
    ctx.emit({
      type: "plan",
      summary: chosen.summary,
      steps: chosen.steps.map((step) => ({ ...step, files: [...step.files] })),
    });
  ctx.world.addNote(
    `plan ${decision.chosenIndex + 1} of ${decision.candidates.length} chosen: ${chosen?.summary ?? ""}`,
  );
  return decision;
}

/** Most files the fallback plan names. */
const FALLBACK_FILES = 3;

/**
 * The plan used when no candidate plan was valid: one step for the general coder on the source files the issue
 * points at most (see `selectRelevantFiles`), so the attempt still runs and its evidence reaches the next one.
 */
export function fallbackPlan(ctx: RunContext, state: RunState): Plan {
  const facts = state.facts;
  const sources = facts
    ? selectRelevantFiles(ctx.task, facts, 20)
        .filter((file) => !facts.testFiles.includes(file))
        .slice(0, FALLBACK_FILES)
    : [];
  return {
    summary: "Fix the issue in the files it points at (no candidate plan was valid).",
    steps: [{ files: sources, intent: `Fix the issue: ${ctx.task.issue.title}`, agent: AGENT_IDS.coder }],
  };
}
