import { createHash } from "node:crypto";
import type { Finding } from "../core/finding.js";
import { longestBacktickRun } from "../core/markdown.js";
import { inertInline, inertMarkdown } from "../intake/inert-markdown.js";
import { codeSpan } from "../intake/inert-text.js";
import type { ReviewComment } from "./github-port.js";

/** Hidden marker at the end of every review Tanuki posts: the reviewed SHA and the findings' fingerprints. */
const MARKER_START = "<!-- tanuki-review {";
const MARKER_END = "} -->";

/** State recorded in a review's hidden marker. */
export interface ReviewMarker {
  sha: string;
  fingerprints: string[];
}

/**
 * Stable identity of a finding across pushes: file, severity and the normalised explanation (not the line, which
 * moves when code above it changes). 16 hex characters of SHA-256.
 */
export function fingerprintFinding(finding: Finding): string {
  const text = finding.explanation.toLowerCase().replace(/\s+/g, " ").trim();
  return createHash("sha256").update(`${finding.file}\n${finding.severity}\n${text}`).digest("hex").slice(0, 16);
}

/** Inputs of {@link buildReview}. */
export interface BuildReviewInput {
  findings: Finding[];
  /** Commentable lines of the pull request's whole diff (see `commentableLines`). */
  lines: Map<string, Set<number>>;
  /** Fingerprints already posted on this pull request: those findings are not posted again. */
  alreadyPosted: ReadonlySet<string>;
  headSha: string;
  /** Reviewer's summary (text from the model: shown as a quote). */
  summary: string;
  /** Extra markdown for the body (test results), optional. */
  extra?: string;
}

/** One review ready to post: body (with marker), inline comments, and what was and was not posted. */
export interface BuiltReview {
  body: string;
  comments: ReviewComment[];
  /** Fingerprints of the findings this review posts (inline or in the body). */
  posted: string[];
  /** Findings left out because they were posted before. */
  duplicates: number;
}

/**
 * Turn reviewer findings into ONE GitHub review: a finding on a line of the diff becomes an inline comment (with a
 * ```suggestion block when the reviewer proposed replacement code); one outside the diff is listed in the body.
 * Findings whose fingerprint was posted before are dropped.
 */
export function buildReview(input: BuildReviewInput): BuiltReview {
  const comments: ReviewComment[] = [];
  const outside: string[] = [];
  const posted: string[] = [];
  let duplicates = 0;
  const seen = new Set(input.alreadyPosted);
  for (const finding of input.findings) {
    const fp = fingerprintFinding(finding);
    if (seen.has(fp)) {
      duplicates += 1;
      continue;
    }
    seen.add(fp);
    posted.push(fp);
    if (input.lines.get(finding.file)?.has(finding.line)) {
      comments.push({ path: finding.file, line: finding.line, body: renderFindingComment(finding) });
    } else {
      outside.push(
        `- ${codeSpan(`${finding.file}:${finding.line}`)} **${finding.severity}**: ${inertInline(finding.explanation)}`,
      );
    }
  }
  const counts = countBySeverity(input.findings.filter((f) => posted.includes(fingerprintFinding(f))));
  const parts = [
    `### 🦝 Tanuki review of ${input.headSha.slice(0, 7)}`,
    posted.length === 0 ? "No new findings." : `New findings: ${counts}.`,
  ];
  const summary = inertMarkdown(input.summary.trim());
  if (summary)
    parts.push(
      summary
        .split("\n")
        .map((l) => (l ? `> ${l}` : ">"))
        .join("\n"),
    );
  if (outside.length > 0) parts.push(`Findings outside the changed lines:\n\n${outside.join("\n")}`);
  if (duplicates > 0) parts.push(`${duplicates} finding(s) already reported earlier are not repeated.`);
  if (input.extra) parts.push(input.extra);
  parts.push(renderReviewMarker({ sha: input.headSha, fingerprints: [...input.alreadyPosted, ...posted] }));
  return { body: parts.join("\n\n"), comments, posted, duplicates };
}

/**
 * Markdown of one inline comment: severity, explanation (model text, rendered inert), and a suggestion block when
 * there is one (code: shown verbatim, applied only when a person clicks "Commit suggestion").
 */
export function renderFindingComment(finding: Finding): string {
  const text = `**${finding.severity}**: ${inertMarkdown(finding.explanation.trim())}`;
  if (finding.suggestion === undefined) return text;
  const longest = Math.max(2, longestBacktickRun(finding.suggestion));
  const fence = "`".repeat(longest + 1);
  const code = finding.suggestion.endsWith("\n") ? finding.suggestion : `${finding.suggestion}\n`;
  return `${text}\n\n${fence}suggestion\n${code}${fence}`;
}

/** The hidden marker's text. */
export function renderReviewMarker(marker: ReviewMarker): string {
  return `<!-- tanuki-review ${JSON.stringify(marker)} -->`;
}

/** Read the marker back from a review body; undefined when absent or malformed. */
export function parseReviewMarker(body: string): ReviewMarker | undefined {
  // indexOf, not a lazy regex: review bodies are written by anyone, and `{.*?}` retried from every marker start.
  const start = body.indexOf(MARKER_START);
  const end = start === -1 ? -1 : body.indexOf(MARKER_END, start + MARKER_START.length - 1);
  if (end === -1) return undefined;
  try {
    const value = JSON.parse(body.slice(start + MARKER_START.length - 1, end + 1)) as Partial<ReviewMarker>;
    if (typeof value.sha !== "string" || !Array.isArray(value.fingerprints)) return undefined;
    return { sha: value.sha, fingerprints: value.fingerprints.filter((f): f is string => typeof f === "string") };
  } catch {
    return undefined;
  }
}

/** `2 blocking, 1 minor` style count; `none` when empty. */
export function countBySeverity(findings: Finding[]): string {
  const order = ["blocking", "major", "minor", "nit"] as const;
  const parts = order
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  return parts.length > 0 ? parts.join(", ") : "none";
}
