import { PHASES } from "../core/run-result.js";
import { formatDuration } from "../github/status-comment.js";
import { inertInline, inertMarkdown } from "../intake/inert-markdown.js";
import type { IntakeResult } from "../jobs/intake/intake-result.js";
import type { JobRecord } from "../jobs/store/job-store.js";
import type { JobRecorder } from "./job-recorder.js";

/** What the Action reports at the end (outputs, job summary, exit code). */
export interface ActionReport {
  /**
   * `succeeded` | `failed` | `cancelled` | `interrupted` (a job ran and ended so), `refused` (not enough permission),
   * `rejected` (invalid `.github/tanuki.yml`), `busy`, `answered` (help, cancel), `ignored` (nothing to do).
   */
  status: string;
  /** One sentence: the job's last detail, or why nothing ran. */
  detail: string;
  jobId?: string;
  prUrl?: string;
  reviewUrl?: string;
  /** Folder with run.json, pr.md, summary.md and traces/. */
  reportDir: string;
  /** The Markdown report (summary.md). */
  reportPath: string;
  /** The JSONL trace of the (last) fix run, when there was one. */
  tracePath?: string;
  /** Process exit code: 1 when a job failed, else 0. */
  exitCode: number;
}

/** Wall times of the Action run, ms. */
export interface ActionTimings {
  totalMs: number;
  /** Time spent in the job (from its record), when one ran. */
  jobMs?: number;
}

/** The report's status from the intake results and the jobs' final records. */
export function statusOf(
  results: IntakeResult[],
  jobs: (JobRecord | undefined)[],
): { status: string; detail: string; exitCode: number } {
  const done = jobs.filter((j): j is JobRecord => j !== undefined);
  if (done.length > 0) {
    const order = ["failed", "interrupted", "cancelled", "rejected", "running", "queued", "succeeded"];
    const worst = [...done].sort((a, b) => order.indexOf(a.state) - order.indexOf(b.state))[0] as JobRecord;
    const failed = worst.state === "failed" || worst.state === "interrupted" || worst.state === "running";
    return { status: worst.state, detail: worst.detail ?? worst.state, exitCode: failed ? 1 : 0 };
  }
  const first = results.find((r) => r.kind !== "ignored") ?? results[0];
  if (!first) return { status: "ignored", detail: "nothing to do", exitCode: 0 };
  return { status: first.kind, detail: "reason" in first ? first.reason : first.kind, exitCode: 0 };
}

/**
 * The job summary: the outcome, links, the pull request body the engine wrote (or the review / root-cause
 * analysis), and timings (the Action's wall time and the loop's per-phase times).
 */
export function renderSummary(report: ActionReport, recorder: JobRecorder, timings: ActionTimings): string {
  const lines = [`## 🦝 Tanuki: ${report.status}`, "", escapeLine(report.detail), ""];
  if (report.prUrl) lines.push(`**Pull request:** ${report.prUrl}`, "");
  if (report.reviewUrl) lines.push(`**Review:** ${report.reviewUrl}`, "");
  const run = recorder.runs.at(-1);
  if (run?.pullRequest) {
    lines.push(`### ${escapeLine(run.pullRequest.title)}`, "", run.pullRequest.body, "");
  } else if (run) {
    lines.push(`Outcome: \`${run.outcome}\`. ${escapeLine(run.reason)}`, "");
  }
  const review = recorder.reviews.at(-1);
  if (review)
    lines.push("### Review", "", inertMarkdown(review.summary), "", `${review.findings.length} finding(s).`, "");
  const rca = recorder.analyses.at(-1);
  if (rca) {
    lines.push("### Root cause", "", `**Symptom:** ${inertInline(rca.symptom)}`, "");
    lines.push(`**Root cause:** ${inertInline(rca.rootCause)}`, "");
  }
  lines.push("### Timings", "", "| step | time |", "|---|---|");
  lines.push(`| Action (total) | ${formatDuration(timings.totalMs)} |`);
  if (timings.jobMs !== undefined) lines.push(`| job | ${formatDuration(timings.jobMs)} |`);
  if (run) {
    for (const phase of PHASES) {
      const ms = run.timings[phase];
      if (ms !== undefined) lines.push(`| loop: ${phase} | ${(ms / 1000).toFixed(1)} s |`);
    }
    lines.push(`| loop (total) | ${(run.timings.totalMs / 1000).toFixed(1)} s |`);
  }
  lines.push("");
  return lines.join("\n");
}

function escapeLine(text: string): string {
  return text.replace(/\r?\n/g, " ");
}
