import { writeCode } from "../../agents/coder/write-code.js";
import { routeStep } from "../../agents/router.js";
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
}

/**
 * Code: for each step of the plan, the router picks the coding agent; it returns edits that are applied at once
 * (tolerant matching, path policy). When some do not apply, the same agent gets one repair round within the
 * attempt, with the problem messages and the files' current content.
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
      const answer = await writeCode(
        ctx.model,
        agent,
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
      );
      edits.push(...answer.value.edits);
      const report = await applyEdits(ctx, state, answer.value.edits, agent.id);
      stepProblems = editProblems(report);
    }
    problems.push(...stepProblems);
  }
  return { edits, problems };
}
