import type { JobState } from "../core/job-state.js";
import { fencedCodeBlock } from "../core/markdown.js";
import type { Phase } from "../core/run-result.js";
import { describeTestCounts } from "../core/test-report.js";
import { inertMarkdown } from "../intake/inert-markdown.js";

export type { JobState } from "../core/job-state.js";

/** What the status comment and the check run summary show; built from run events by the app. */
export interface JobView {
  jobId: string;
  /** E.g. `Fix for #12`, `Review of abc1234`. */
  title: string;
  state: JobState;
  phase?: Phase;
  attempt?: number;
  maxAttempts?: number;
  /** Latest test counts (`after` replaces `before`). */
  tests?: { which: "before" | "after"; passed?: number; failed?: number; exitCode: number };
  /** The install step of the environment phase while it runs: its command and the last lines of its log. */
  setup?: { command: string; tail: string[] };
  /** Epoch ms when the job started running; elapsed time is shown from it. */
  startedAt?: number;
  checkRunUrl?: string;
  /**
   * The repository's web address, e.g. `https://github.com/owner/repo`: links under it stay links in `details`.
   * Default: the repository part of `checkRunUrl`; without either, every link in `details` is shown as code.
   */
  repositoryUrl?: string;
  /**
   * Markdown paragraphs shown under the state line (the result, the failure explanation, config problems). They
   * carry model-written text (reasons, root causes), so each is rendered inert (see `inertMarkdown`).
   */
  details: string[];
}

const STATE_LABEL: Record<JobState, string> = {
  queued: "⏳ queued",
  running: "🏃 running",
  succeeded: "✅ done",
  failed: "❌ failed",
  cancelled: "🛑 cancelled",
  interrupted: "⚠️ interrupted",
  rejected: "⚠️ not started",
};

/** Marker that identifies Tanuki's status comment for a job. */
export function statusMarker(jobId: string): string {
  return `<!-- tanuki-status ${jobId} -->`;
}

/**
 * Markdown of the status comment: title, one state line (phase, attempt, tests, elapsed), the check run link,
 * then the details.
 * @param now epoch ms used for the elapsed time
 */
export function renderStatusComment(view: JobView, now: number): string {
  const facts = [`**${STATE_LABEL[view.state]}**`];
  if (view.state === "running" && view.phase) facts.push(`phase \`${view.phase}\``);
  if (view.attempt !== undefined)
    facts.push(`attempt ${view.attempt}${view.maxAttempts ? `/${view.maxAttempts}` : ""}`);
  if (view.tests) {
    const t = view.tests;
    facts.push(`tests (${t.which}): ${describeTestCounts(t)}`);
  }
  if (view.startedAt !== undefined) facts.push(`elapsed ${formatDuration(now - view.startedAt)}`);
  const lines = [`### 🦝 Tanuki: ${view.title}`, facts.join(" · ")];
  if (view.checkRunUrl) lines.push(`[Check run](${view.checkRunUrl})`);
  if (view.state === "running" && view.phase === "environment" && view.setup) lines.push(...setupLines(view.setup));
  const allowLinksUnder = view.repositoryUrl ?? repositoryUrlOf(view.checkRunUrl);
  lines.push(...view.details.map((detail) => inertMarkdown(detail, { allowLinksUnder })));
  lines.push(statusMarker(view.jobId));
  return lines.join("\n\n");
}

/** The running install command and its log tail, both inert (code span, fenced block). */
function setupLines(setup: { command: string; tail: string[] }): string[] {
  const command = setup.command.replace(/`/g, "'").replace(/\s*\n\s*/g, " ");
  const lines = [`Installing dependencies: \`${command}\``];
  if (setup.tail.length > 0) lines.push(fencedCodeBlock(setup.tail.join("\n"), "text"));
  return lines;
}

/** `https://host/owner/repo/` from any web address of a repository's page (check run, pull request), or undefined. */
export function repositoryUrlOf(pageUrl: string | undefined): string | undefined {
  if (!pageUrl) return undefined;
  try {
    const url = new URL(pageUrl);
    const [owner, repo] = url.pathname.split("/").filter(Boolean);
    return owner && repo ? `${url.origin}/${owner}/${repo}/` : undefined;
  } catch {
    return undefined;
  }
}

/** `1h 02m`, `3m 07s`, `12s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
