import { CODE_TASK } from "../../agents/coder/code-task.js";
import { routeStep } from "../../agents/router.js";
import type { FollowUp } from "../../agents/shared/edit-schema.js";
import { isInvalidAnswer } from "../../agents/shared/invalid-answer-error.js";
import { runAgent } from "../../agents/shared/run-agent.js";
import { restoreShownText } from "../../agents/shared/shown-text.js";
import { mergeHints } from "../../context/focus-hints.js";
import type { ApplyReport, Edit } from "../../core/edit.js";
import type { Finding } from "../../core/finding.js";
import type { Plan } from "../../core/plan.js";
import { fitAgentPrompt, readFiles, readHints, runHints, withSymbols } from "../briefing.js";
import type { RunContext } from "../run-context.js";
import { issueText, type RunState } from "../run-state.js";
import { applyEdits, editProblems } from "./apply.js";

/** What the code phase did in one attempt. */
export interface CodeOutcome {
  /** Every edit the coding agents returned (all calls), applied or not. */
  edits: Edit[];
  /** Problems left after the repair round. */
  problems: string[];
  /** Plan steps whose agent gave no valid answer (after its repair call): the attempt counts as failed. */
  unanswered: number;
  /** Model calls the coding agents made (follow-ups and repairs included). */
  calls: number;
}

/**
 * Most calls for one plan step: the first, follow-ups when the agent asks to `read` more lines or has `more`
 * edits, and one repair round for edits that did not apply.
 */
export const MAX_CALLS_PER_STEP = 5;

/** One line per applied edit, for the next call of the same step. */
function appliedLines(report: ApplyReport): string[] {
  return report.outcomes.flatMap((outcome) =>
    outcome.status === "applied" ? [`${outcome.edit.kind} ${outcome.edit.path} (applied, ${outcome.match})`] : [],
  );
}

/**
 * Code: for each step of the plan, the router picks the coding agent; it returns edits that are applied at once
 * (tolerant matching, path policy). The agent sees the step's files whole when they fit, else focused windows
 * around what the issue, the plan, the base test output, root-cause advice and open findings point at (never a cut
 * in the middle). Within {@link MAX_CALLS_PER_STEP} calls it may ask for more lines (`read`), send its edits over
 * several calls (`more`), and gets one repair round when some edits did not apply. A step whose agent gives no
 * valid answer (twice: see `runAgent`) is counted in `unanswered` and the phase goes on with the next step.
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
  let calls = 0;
  const advice = [
    plan.summary,
    ...state.rcas.map((rca) => `${rca.rootCause}\n${rca.nextAttemptAdvice}`),
    ...openFindings.map((finding) => `${finding.file}:${finding.line} ${finding.explanation}`),
  ];
  for (const step of plan.steps) {
    const route = routeStep(step, ctx.roster);
    const agent = route.agent;
    ctx.emit({
      type: "log",
      level: "info",
      message: `attempt ${attempt}: ${agent.id} (${route.by}) — ${step.intent.slice(0, 120)}`,
    });
    let stepProblems: string[] = [];
    const applied: string[] = [];
    let reads: FollowUp["read"] = [];
    let repairs = 0;
    for (let call = 0; call < MAX_CALLS_PER_STEP; call += 1) {
      const paths = [...new Set([...step.files, ...reads.map((read) => read.path)])];
      const refused: string[] = [];
      const read = await readFiles(ctx, state, paths, (path, reason) => refused.push(`${path}: not shown: ${reason}`));
      const files = await withSymbols(ctx, state, read);
      const hints = mergeHints(readHints(reads), runHints(ctx, state, [step.intent, ...advice]));
      const base = {
        issue: issueText(ctx.task),
        planSummary: plan.summary,
        step,
        rcas: state.rcas,
        openFindings,
        editProblems: [...stepProblems, ...refused],
        applied: [...applied],
      };
      const parts = await fitAgentPrompt(
        ctx,
        state,
        agent,
        (shown) => CODE_TASK.messages(agent, { ...base, ...shown }),
        {
          list: files,
          hints,
          title: "## Current content of the step's files",
          exclude: paths,
        },
      );
      calls += 1;
      const answer = await runAgent(ctx.model, agent, CODE_TASK, { ...base, ...parts }, ctx.signal).catch(
        (error: unknown) => {
          if (!isInvalidAnswer(error)) throw error;
          return error;
        },
      );
      if (isInvalidAnswer(answer)) {
        unanswered += 1;
        stepProblems.push(
          `${agent.id} gave no valid answer for the step "${step.intent.slice(0, 120)}": ${answer.message}`,
        );
        break;
      }
      const shown = new Map(files.map((file) => [file.path, file.content]));
      const answered = restoreShownText(answer.value.edits, (path) => shown.get(path));
      edits.push(...answered);
      const report = await applyEdits(ctx, state, answered, agent.id);
      applied.push(...appliedLines(report));
      stepProblems = editProblems(report);
      const followUp = answer.value.followUp;
      reads = followUp.read;
      if (reads.length > 0 || followUp.more) continue;
      if (stepProblems.length > 0 && repairs < 1) {
        repairs += 1;
        continue;
      }
      break;
    }
    problems.push(...stepProblems);
  }
  return { edits, problems, unanswered, calls };
}
