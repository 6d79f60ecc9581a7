import type { Finding, RootCauseAnalysis } from "../../core/finding.js";
import type { PlanStep } from "../../core/plan.js";
import type { ChatMessage } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import {
  buildMessages,
  EDIT_FOLLOW_UP_RULES,
  findingsSection,
  type IssueText,
  issueAndBriefing,
  rcaSection,
  untrusted,
} from "../shared/prompt-parts.js";

/** What the coder sees for one plan step. */
export interface CoderInput {
  issue: IssueText;
  briefing: string;
  planSummary: string;
  step: PlanStep;
  /**
   * The step's files as shown (whole, or focused windows with their line ranges), rendered within the prompt's
   * room by the caller (see `renderFocusedFiles`); untrusted parts already fenced.
   */
  files: string;
  /** Root-cause analyses of earlier attempts (newest last). */
  rcas: RootCauseAnalysis[];
  /** Findings still open from the last review (blocking ones first). */
  openFindings: Finding[];
  /** Repair round: why edits of the previous answer did not apply (no match, refused). */
  editProblems: string[];
  /** Follow-up call of the same step: the edits already applied in it (one line each). Empty on the first call. */
  applied?: string[];
}

const INSTRUCTIONS =
  "Implement the plan step below. `explanation`: what you change and why, in one or two sentences. `edits`: the " +
  "edits, each with `kind` (`search-replace` or `write-file`), `path` (repository-relative), `search` and `replace`. " +
  "For `search-replace`, `search` must be copied exactly from the current file content shown (whole lines, unique). " +
  "For `write-file`, put the whole file in `replace` and leave `search` empty. Return no edits only when the step " +
  `needs none. ${EDIT_FOLLOW_UP_RULES}`;

/** Builds the coder's messages; the issue, files, findings, RCA and edit problems are fenced as data. */
export function buildCoderMessages(entry: RosterEntry, input: CoderInput): ChatMessage[] {
  const step = `Plan: ${input.planSummary}\nStep: ${input.step.intent}\nFiles: ${input.step.files.join(", ") || "(none named)"}`;
  const problems =
    input.editProblems.length > 0
      ? `## Your previous edits did not apply: fix them (copy SEARCH text exactly from the files shown)\n${untrusted(
          "edit problems",
          input.editProblems.join("\n"),
        )}`
      : "";
  const applied =
    input.applied && input.applied.length > 0
      ? `## Edits of this step already applied (continue from here; the files above show their result)\n${untrusted(
          "applied edits",
          input.applied.join("\n"),
        )}`
      : "";
  return buildMessages(entry, INSTRUCTIONS, [
    issueAndBriefing(input.issue, input.briefing),
    rcaSection(input.rcas),
    findingsSection("Open review findings to resolve", input.openFindings),
    input.files,
    applied,
    problems,
    `## Plan step\n${untrusted("plan step", step)}`,
  ]);
}
