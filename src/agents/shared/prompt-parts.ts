import type { Finding, RootCauseAnalysis } from "../../core/finding.js";
import type { FileCut } from "../../intake/file-cut.js";
import { type IssueForPrompt, issueSection } from "../../intake/issue-section.js";
import { delimitUntrusted } from "../../intake/sanitize.js";
import type { ChatMessage } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";

/** The issue as agents see it: already sanitized text (see intake/sanitize), its number when known. */
export type IssueText = IssueForPrompt;

/** A file given to an agent: repository-relative path and content (its head only when `cut` is set). */
export interface FileText {
  path: string;
  content: string;
  /** Set when the file was larger than the read cap: `content` is its head and the prompt says so. */
  cut?: FileCut;
}

/**
 * The two messages of every agent call: the roster's system prompt plus role instructions (trusted text only),
 * then one user message made of sections (untrusted parts already fenced with {@link untrusted}).
 */
export function buildMessages(entry: RosterEntry, roleInstructions: string, sections: string[]): ChatMessage[] {
  return [
    { role: "system", content: `${entry.systemPrompt}\n\n${roleInstructions}` },
    { role: "user", content: sections.filter((section) => section.length > 0).join("\n\n") },
  ];
}

/** Fences untrusted text as data (see intake's `delimitUntrusted`). */
export function untrusted(label: string, text: string): string {
  return delimitUntrusted(label, text);
}

export { issueSection };

/** How the coder and tester ask for more lines or send their edits over several calls (trusted text). */
export const EDIT_FOLLOW_UP_RULES =
  "Files are shown whole or as windows of lines (each header says which lines); copy `search` only from text " +
  "shown. To see other lines first, list them in `read` (`path`, `startLine`, `endLine`): the next call shows them, " +
  "and edits sent with the request are applied before it. When the change needs more edits than fit one answer, " +
  "send the first ones and set `more` to true: the next call shows their result. Otherwise leave `read` empty and " +
  "set `more` to false.";

/**
 * The issue plus the briefing from the context layer. The briefing (context/briefing) already carries the fenced
 * issue, the repository facts and map, the world model and relevant files; without one, the issue alone is fenced
 * here.
 */
export function issueAndBriefing(issue: IssueText, briefing: string): string {
  return briefing.trim() ? briefing.trim() : issueSection(issue);
}

/** Findings as fenced data (the reviewer's words are model output, hence data). */
export function findingsSection(heading: string, findings: readonly Finding[]): string {
  if (findings.length === 0) return "";
  const text = findings
    .map(
      (f) =>
        `- [${f.severity}] ${f.file}:${f.line}: ${f.explanation}${f.suggestion ? ` (suggestion: ${f.suggestion})` : ""}`,
    )
    .join("\n");
  return `## ${heading}\n${untrusted("review findings", text)}`;
}

/** Root-cause analyses of earlier attempts as fenced data. */
export function rcaSection(rcas: readonly RootCauseAnalysis[]): string {
  if (rcas.length === 0) return "";
  const text = rcas
    .map(
      (rca) =>
        `Attempt ${rca.attempt}\nSymptom: ${rca.symptom}\n` +
        rca.whys.map((why, i) => `Why ${i + 1}: ${why}`).join("\n") +
        `\nRoot cause: ${rca.rootCause}\nAdvice: ${rca.nextAttemptAdvice}`,
    )
    .join("\n\n");
  return `## Root-cause analysis of earlier attempts (fix the root cause, not the symptom)\n${untrusted("root-cause analysis", text)}`;
}

/**
 * The test command every prompt states: the configured one (`--test-command`, `.github/tanuki.yml`), else the
 * detected one. A repository's command is untrusted text, so it is fenced.
 */
export function testCommandSection(command: string | undefined): string {
  return `## Test command\n${command ? untrusted("test command", command) : "None was detected or configured."}`;
}

/** Last `maxChars` characters of `text`, prefixed with `…` when cut. */
export function tail(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `…${text.slice(text.length - maxChars)}`;
}

/** First `maxChars` characters of `text`, suffixed with `…` when cut. */
export function head(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}…`;
}
