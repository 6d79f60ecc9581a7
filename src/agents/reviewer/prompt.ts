import { describeTestCounts, type TestReport } from "../../core/test-report.js";
import { escapePromptName } from "../../intake/prompt-name.js";
import type { ChatMessage } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import {
  buildMessages,
  head,
  type IssueText,
  issueSection,
  tail,
  testCommandSection,
  untrusted,
} from "../shared/prompt-parts.js";

/** What the adversarial reviewer sees: the issue, the diff and the real test results. */
export interface ReviewerInput {
  issue: IssueText;
  /** Unified diff of the change against the base commit. */
  diff: string;
  before?: TestReport;
  after?: TestReport;
  /** Cap on the diff shown, characters. Default 12 000. */
  maxDiffChars?: number /** The test command in use (configured, else detected); stated in the prompt. */;
  testCommand?: string;
}

const INSTRUCTIONS =
  "Attack the change below. Look for logic errors, unhandled edge cases, behaviour the issue asks for that is " +
  "missing, security problems, and tests that were deleted, skipped or weakened to pass. One finding per problem: " +
  "`file`, `line` (1-based, new side of the diff), `severity` (`blocking` = must not merge; `major`, `minor`, `nit`), " +
  "`explanation`, `suggestion` (replacement code, or empty). `verdict`: `request-changes` when a finding is blocking, " +
  "else `approve`. Do not invent problems the diff does not show.";

/** One-line summary of a test report, e.g. `exit 1, 3 passed, 1 failed (1200 ms)`. */
export function describeTests(report: TestReport): string {
  return `${describeTestCounts(report, { withExit: true })} (${Math.round(report.durationMs)} ms)`;
}

/** Builds the reviewer's messages; the issue, diff and test output are fenced as data. */
export function buildReviewerMessages(entry: RosterEntry, input: ReviewerInput): ChatMessage[] {
  const tests: string[] = [];
  if (input.before) tests.push(`Before the change: ${describeTests(input.before)}`);
  if (input.after) {
    tests.push(`After the change: ${describeTests(input.after)}`);
    tests.push(`Output tail after the change:\n${tail(input.after.outputTail, 2_000)}`);
  }
  return buildMessages(entry, INSTRUCTIONS, [
    issueSection(input.issue),
    testCommandSection(input.testCommand ?? input.after?.command ?? input.before?.command),
    `## Diff\n${untrusted("diff", head(input.diff || "(empty diff: no change was made)", input.maxDiffChars ?? 12_000))}`,
    tests.length > 0
      ? `## Test results (command: ${escapePromptName(input.after?.command ?? input.before?.command ?? "")})\n${untrusted("test results", tests.join("\n"))}`
      : "",
  ]);
}
