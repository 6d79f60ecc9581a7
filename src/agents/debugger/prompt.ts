import type { Finding, RootCauseAnalysis } from "../../core/finding.js";
import type { TestReport } from "../../core/test-report.js";
import { escapePromptName } from "../../intake/prompt-name.js";
import type { ChatMessage } from "../../llm/chat-model.js";
import { describeTests } from "../reviewer/prompt.js";
import type { RosterEntry } from "../roster.js";
import {
  buildMessages,
  findingsSection,
  head,
  type IssueText,
  issueSection,
  rcaSection,
  tail,
  testCommandSection,
  untrusted,
} from "../shared/prompt-parts.js";

/** What the debugger sees: the real evidence of one failed attempt. */
export interface DebuggerInput {
  issue: IssueText;
  /** 1-based attempt being analysed. */
  attempt: number;
  diff: string;
  /** Test run of the attempt (its output tail is the main evidence). */
  tests?: TestReport;
  /** Blocking (and other) findings of the attempt. */
  findings: Finding[];
  /** Edits that did not apply. */
  editProblems: string[];
  /** Analyses of earlier attempts, to avoid repeating them. */
  earlier: RootCauseAnalysis[] /** The test command in use (configured, else detected); stated in the prompt. */;
  testCommand?: string;
}

const INSTRUCTIONS =
  "Write a five-whys root-cause analysis of why this attempt failed. `symptom`: what was observed, quoted from the " +
  "real output. `whys`: up to five, each answering the previous one. `rootCause`: the underlying cause. " +
  "`nextAttemptAdvice`: what the next attempt must do differently (files, functions, the exact change).";

/** Builds the debugger's messages; every piece of evidence is fenced as data. */
export function buildDebuggerMessages(entry: RosterEntry, input: DebuggerInput): ChatMessage[] {
  const tests = input.tests
    ? `## Test run (${escapePromptName(input.tests.command)}): ${describeTests(input.tests)}\n${untrusted("test output", tail(input.tests.outputTail, 4_000))}`
    : "## Test run\nNo test run is available for this attempt.";
  const problems =
    input.editProblems.length > 0
      ? `## Edits that did not apply\n${untrusted("edit problems", input.editProblems.join("\n"))}`
      : "";
  return buildMessages(entry, INSTRUCTIONS, [
    issueSection(input.issue),
    testCommandSection(input.testCommand ?? input.tests?.command),
    `## Diff of attempt ${input.attempt}\n${untrusted("diff", head(input.diff || "(empty diff)", 8_000))}`,
    tests,
    findingsSection("Review findings", input.findings),
    problems,
    rcaSection(input.earlier),
  ]);
}
