import { escapePromptName } from "../../intake/prompt-name.js";
import type { ChatMessage } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import {
  buildMessages,
  EDIT_FOLLOW_UP_RULES,
  type IssueText,
  issueAndBriefing,
  untrusted,
} from "../shared/prompt-parts.js";

/**
 * What the tester sees. Spec-anchored: the issue and the ORIGINAL files (base commit), never the coder's diff, so
 * the test encodes what the issue asks for rather than what the new code happens to do.
 */
export interface TesterInput {
  issue: IssueText;
  /** Briefing built from the base commit. */
  briefing: string;
  /**
   * The base commit's source files the plan touches and related test files, as shown (whole or focused windows),
   * rendered within the prompt's room by the caller; untrusted parts already fenced.
   */
  files: string;
  /** Repository facts the test must fit. */
  language: string;
  testCommand?: string;
  testDir?: string;
  /** Existing test files (paths). */
  testFiles: string[];
  /** Repair round: why edits of the previous answer did not apply. */
  editProblems: string[];
}

const INSTRUCTIONS =
  "Write or extend ONE focused test, derived from the issue's wording, that fails while the bug exists and passes " +
  "once it is fixed. Edit only test files (an existing test file, or a new one in the test folder named like the " +
  "existing tests). `testName`: the test function's name. `rationale`: which sentence of the issue it checks. " +
  "`edits`: `search-replace` (copy `search` exactly from the file shown) or `write-file` (whole content in " +
  "`replace`). Never delete, skip or weaken existing tests. The test must run with the test command given. " +
  EDIT_FOLLOW_UP_RULES;

/** Builds the tester's messages; the issue and original files are fenced as data. */
export function buildTesterMessages(entry: RosterEntry, input: TesterInput): ChatMessage[] {
  const layout =
    `Language: ${input.language}\nTest command: ${input.testCommand ?? "none detected or configured"}\n` +
    `Test folder: ${input.testDir ? escapePromptName(input.testDir) : "(none detected)"}\nExisting test files: ${input.testFiles.map(escapePromptName).join(", ") || "(none)"}`;
  const problems =
    input.editProblems.length > 0
      ? `## Your previous edits did not apply: fix them\n${untrusted("edit problems", input.editProblems.join("\n"))}`
      : "";
  return buildMessages(entry, INSTRUCTIONS, [
    issueAndBriefing(input.issue, input.briefing),
    `## Test layout\n${untrusted("test layout", layout)}`,
    input.files,
    problems,
  ]);
}
