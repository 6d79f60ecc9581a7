import { REVIEW_TASK } from "../../agents/reviewer/review-task.js";
import { AGENT_IDS } from "../../agents/roster.js";
import { isInvalidAnswer } from "../../agents/shared/invalid-answer-error.js";
import { runAgent } from "../../agents/shared/run-agent.js";
import type { Finding, ReviewVerdict } from "../../core/finding.js";
import type { TestReport } from "../../core/test-report.js";
import type { RunContext } from "../run-context.js";
import { issueText, type RunState } from "../run-state.js";
import { detectTestWeakening } from "../test-weakening.js";

/** The review of one attempt. */
export interface ReviewOutcome {
  findings: Finding[];
  verdict: ReviewVerdict;
}

/**
 * Review: the adversarial reviewer attacks the diff with the issue and the real test results; the deterministic
 * test-weakening check adds blocking findings the model may have missed (deleting or weakening tests is always
 * blocking). An empty diff is not sent to the model (there is nothing to review). When the reviewer gives no valid
 * answer (twice), the change counts as unreviewed: one blocking finding says so, so the attempt fails honestly and
 * the loop goes on.
 */
export async function reviewPhase(
  ctx: RunContext,
  state: RunState,
  attempt: number,
  diff: string,
  after: TestReport | undefined,
  testSectionEdits: readonly string[] = [],
): Promise<ReviewOutcome> {
  const issue = issueText(ctx.task);
  const weakening = detectTestWeakening(diff, attempt, {
    issueText: [issue.title, issue.body, issue.instructions ?? ""].join("\n"),
    testSectionEdits,
  });
  let findings: Finding[] = [];
  let verdict: ReviewVerdict = "approve";
  if (diff.trim()) {
    try {
      const answer = await runAgent(
        ctx.model,
        ctx.agent(AGENT_IDS.reviewer),
        REVIEW_TASK,
        {
          issue: issueText(ctx.task),
          diff,
          ...(state.testCommand ? { testCommand: state.testCommand } : {}),
          ...(state.before ? { before: state.before } : {}),
          ...(after ? { after } : {}),
        },
        ctx.signal,
      );
      findings = answer.value.findings.map((finding) => ({ ...finding, attempt }));
      verdict = answer.value.verdict;
    } catch (error) {
      if (!isInvalidAnswer(error)) throw error;
      ctx.emit({ type: "log", level: "warn", message: `review failed: ${error.message}` });
      findings = [unreviewed(diff, attempt, error.message)];
    }
  }
  const all = [...findings, ...weakening];
  if (all.some((finding) => finding.severity === "blocking")) verdict = "request-changes";
  for (const finding of all) {
    ctx.emit({ type: "finding", attempt, severity: finding.severity, file: finding.file, line: finding.line });
  }
  const blocking = all.filter((finding) => finding.severity === "blocking").length;
  ctx.world.addNote(`attempt ${attempt} review: ${verdict}, ${all.length} findings (${blocking} blocking)`);
  return { findings: all, verdict };
}

/** The blocking finding that stands for a review that could not be done (the reviewer's answers were invalid). */
function unreviewed(diff: string, attempt: number, why: string): Finding {
  const file = /^\+\+\+ b\/(.+)$/m.exec(diff)?.[1] ?? "";
  return {
    file,
    line: 1,
    severity: "blocking",
    explanation: `The change could not be reviewed: the reviewer gave no valid answer (${why.slice(0, 300)}).`,
    attempt,
  };
}
