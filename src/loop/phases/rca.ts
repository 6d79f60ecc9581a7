import { RCA_TASK } from "../../agents/debugger/rca-task.js";
import { AGENT_IDS } from "../../agents/roster.js";
import { runAgent } from "../../agents/shared/run-agent.js";
import type { RootCauseAnalysis } from "../../core/finding.js";
import type { AttemptResult } from "../../core/run-result.js";
import type { RunContext } from "../run-context.js";
import { issueText, type RunState } from "../run-state.js";

/**
 * RCA: the debugger writes a five-whys root-cause analysis of a failed attempt from its real output (test tail,
 * findings, edit problems, diff). It is stored on the attempt and in `state.rcas`, and every later coder prompt
 * receives it.
 */
export async function rcaPhase(ctx: RunContext, state: RunState, attempt: AttemptResult): Promise<RootCauseAnalysis> {
  const answer = await runAgent(
    ctx.model,
    ctx.agent(AGENT_IDS.debugger),
    RCA_TASK,
    {
      issue: issueText(ctx.task),
      ...(state.testCommand ? { testCommand: state.testCommand } : {}),
      attempt: attempt.attempt,
      diff: attempt.diff,
      ...(attempt.tests ? { tests: attempt.tests } : {}),
      findings: attempt.findings,
      editProblems: attempt.editProblems,
      earlier: state.rcas,
    },
    ctx.signal,
  );
  attempt.rca = answer.value;
  state.rcas.push(answer.value);
  ctx.world.addNote(`attempt ${attempt.attempt} root cause: ${answer.value.rootCause.slice(0, 300)}`);
  return answer.value;
}
