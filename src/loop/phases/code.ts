import { CODE_TASK } from "../../agents/coder/code-task.js";
import { routeStep } from "../../agents/router.js";
import { isInvalidAnswer } from "../../agents/shared/invalid-answer-error.js";
import { runAgent } from "../../agents/shared/run-agent.js";
import type { Edit } from "../../core/edit.js";
import type { Finding } from "../../core/finding.js";
import type { Plan } from "../../core/plan.js";
import { briefFor, readFiles } from "../briefing.js";
import type { RunContext } from "../run-context.js";
import { issueText, type RunState } from "../run-state.js";
import { applyEdits, editProblems } from "./apply.js";

/** What the code phase did in one attempt. */
export interface CodeOutcome {
  /** Every edit the coding agents returned (both rounds), applied or not. */
  edits: Edit[];
  /** Problems left after the repair round. */
  problems: string[];
  /** Plan steps whose agent gave no valid answer (after its repair call): the attempt counts as failed. */
  unanswered: number;
}

/**
 * Code: for each step of the plan, the router picks the coding agent; it returns edits that are applied at once
 * (tolerant matching, path policy). When some do not apply, the same agent gets one repair round within the
 * attempt, with the problem messages and the files' current content. A step whose agent gives no valid answer
 * (twice: see `runAgent`) is counted in `unanswered` and the phase goes on with the next step.
 *
 * @param openFindings  findings still open on the state this attempt starts from
 */
export async function codePhase(
  ctx: RunContext,
  state: RunState,
  plan: Plan,
  attempt: number,
  openFindings: Finding[],
): Promise<CodeOutcome> {
  const edits: Edit[] = [];
  const problems: string[] = [];
  let unanswered = 0;
  for (const step of plan.steps) {
    const route = routeStep(step, ctx.roster);
    const agent = route.agent;
    ctx.emit({
      type: "log",
      level: "info",
      message: `attempt ${attempt}: ${agent.id} (${route.by}) — ${step.intent.slice(0, 120)}`,
    });
    let stepProblems: string[] = [];
    for (let round = 0; round < 2; round += 1) {
      if (round === 1 && stepProblems.length === 0) break;
      const briefing = await briefFor(ctx, state);
      const answer = await runAgent(
        ctx.model,
        agent,
        CODE_TASK,
        {
          issue: issueText(ctx.task),
          briefing,
          planSummary: plan.summary,
          step,
          files: await readFiles(state, step.files),
          rcas: state.rcas,
          openFindings,
          editProblems: stepProblems,
        },
        ctx.signal,
      ).catch((error: unknown) => {
        if (!isInvalidAnswer(error)) throw error;
        return error;
      });
      if (isInvalidAnswer(answer)) {
        unanswered += 1;
        stepProblems.push(
          `${agent.id} gave no valid answer for the step "${step.intent.slice(0, 120)}": ${answer.message}`,
        );
        break;
      }
      edits.push(...answer.value.edits);
      const report = await applyEdits(ctx, state, answer.value.edits, agent.id);
      stepProblems = editProblems(report);
    }
    problems.push(...stepProblems);
  }
  return { edits, problems, unanswered };
}
