import type { ChatMessage } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import {
  buildMessages,
  head,
  type IssueText,
  issueSection,
  testCommandSection,
  untrusted,
} from "../shared/prompt-parts.js";

/** What the aggregator sees: the issue and a factual digest of the run. */
export interface AggregatorInput {
  issue: IssueText;
  /** e.g. `fixed`, `not-fixed`, with the loop's one-sentence reason. */
  outcome: string;
  reason: string;
  planSummary?: string;
  filesChanged: string[];
  /** Before/after test lines, e.g. `before: exit 1, 0 passed, 1 failed`. */
  testsDigest: string;
  diff: string /** The test command in use (configured, else detected); stated in the prompt. */;
  testCommand?: string;
}

const INSTRUCTIONS =
  "Write the pull request `title` (imperative mood, at most 72 characters, no issue number) and a `summary` of two " +
  "to four sentences: what was wrong, what changed, and how it was verified. State the outcome honestly: when the " +
  "tests do not pass, say so.";

/** Builds the aggregator's messages; the issue, plan and diff are fenced as data. */
export function buildAggregatorMessages(entry: RosterEntry, input: AggregatorInput): ChatMessage[] {
  const digest =
    `Outcome: ${input.outcome} (${input.reason})\nPlan: ${input.planSummary ?? "(none)"}\n` +
    `Files changed: ${input.filesChanged.join(", ") || "(none)"}\nTests: ${input.testsDigest}`;
  return buildMessages(entry, INSTRUCTIONS, [
    issueSection(input.issue),
    testCommandSection(input.testCommand),
    `## Run digest\n${untrusted("run digest", digest)}`,
    `## Diff\n${untrusted("diff", head(input.diff || "(empty)", 6_000))}`,
  ]);
}
