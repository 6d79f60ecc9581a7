import { reviewChange } from "../../agents/reviewer/review-change.js";
import { AGENT_IDS } from "../../agents/roster.js";
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
 * blocking). An empty diff is not sent to the model (there is nothing to review).
 */
export async function reviewPhase(
  ctx: RunContext,
  state: RunState,
  attempt: number,
  diff: string,
  after: TestReport | undefined,
): Promise<ReviewOutcome> {
  const weakening = detectTestWeakening(diff, attempt);
  let findings: Finding[] = [];
  let verdict: ReviewVerdict = "approve";
  if (diff.trim()) {
    const answer = await reviewChange(
      ctx.model,
      ctx.agent(AGENT_IDS.reviewer),
      {
        issue: issueText(ctx.task),
        diff,
        ...(state.before ? { before: state.before } : {}),
        ...(after ? { after } : {}),
      },
      ctx.signal,
    );
    findings = answer.value.findings.map((finding) => ({ ...finding, attempt }));
    verdict = answer.value.verdict;
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
