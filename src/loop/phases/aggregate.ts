import { SUMMARY_TASK } from "../../agents/aggregator/summary-task.js";
import { describeTests } from "../../agents/reviewer/prompt.js";
import { AGENT_IDS } from "../../agents/roster.js";
import { runAgent } from "../../agents/shared/run-agent.js";
import type { PullRequestDraft, RunResult } from "../../core/run-result.js";
import { testsPassed } from "../../core/test-report.js";
import { renderPullRequestBody } from "../pr-body.js";
import type { RunContext } from "../run-context.js";
import { bestRecord, issueText, type RunState } from "../run-state.js";

/** Fallback PR title when the aggregator is not asked or fails: `Fix: <issue title>`, at most 72 characters. */
export function fallbackTitle(issueTitle: string): string {
  const title = `Fix: ${issueTitle.replace(/\s+/g, " ").trim()}`;
  return title.length <= 72 ? title : `${title.slice(0, 71).trimEnd()}…`;
}

/**
 * Aggregate: the aggregator writes the PR title and summary (skipped when `useModel` is false: after a cancel or
 * a spent budget), and the body is rendered deterministically from the result. Draft when the reported tests do
 * not all pass or a blocking finding is open. Undefined when the best attempt changed nothing.
 */
export async function aggregatePhase(
  ctx: RunContext,
  state: RunState,
  result: RunResult,
  useModel: boolean,
): Promise<PullRequestDraft | undefined> {
  const best = bestRecord(state);
  if (!best?.result.diff.trim()) return undefined;
  let title = fallbackTitle(ctx.task.issue.title);
  let summary: string | undefined;
  if (useModel) {
    try {
      const tests = [
        state.before ? `before: ${describeTests(state.before)}` : "before: not run",
        best.result.tests ? `after: ${describeTests(best.result.tests)}` : "after: not run",
      ].join("; ");
      const plan = state.plan?.candidates[state.plan.chosenIndex];
      const answer = await runAgent(
        ctx.model,
        ctx.agent(AGENT_IDS.aggregator),
        SUMMARY_TASK,
        {
          issue: issueText(ctx.task),
          outcome: result.outcome,
          reason: result.reason,
          ...(plan ? { planSummary: plan.summary } : {}),
          filesChanged: result.filesChanged,
          testsDigest: tests,
          ...(state.testCommand ? { testCommand: state.testCommand } : {}),
          diff: best.result.diff,
        },
        ctx.signal,
      );
      if (answer.value.title) title = answer.value.title.slice(0, 72);
      summary = answer.value.summary || undefined;
    } catch (error) {
      if (ctx.stopCause?.kind === "cancelled") throw error;
      ctx.emit({ type: "log", level: "warn", message: `aggregator failed, using a plain title: ${String(error)}` });
    }
  }
  const body = renderPullRequestBody(
    { ...result, usage: ctx.usageReport(), timings: ctx.timingsReport() },
    {
      ...(summary ? { summary } : {}),
      ...(ctx.task.issue.number !== undefined ? { issueNumber: ctx.task.issue.number } : {}),
      modelName: ctx.model.name,
    },
  );
  const blockingOpen = result.findings.some((finding) => finding.severity === "blocking" && !finding.resolved);
  // Draft unless the fix is proven (fail before, pass after, nothing regressed); without a proof, unless the tests pass.
  const proof = best.result.proof;
  const passing = proof ? proof.proven : best.result.tests ? testsPassed(best.result.tests) : false;
  return { title, body, draft: !passing || blockingOpen };
}
