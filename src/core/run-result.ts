import type { Edit } from "./edit.js";
import type { EnvironmentReport } from "./environment-report.js";
import type { Finding, RootCauseAnalysis } from "./finding.js";
import type { PlanDecision } from "./plan.js";
import type { BaseTestRun, Proof } from "./proof.js";
import type { TestComparison, TestReport } from "./test-report.js";

/**
 * How a run ended. Expected outcomes are values, not exceptions. `environment-error`: the repository's environment
 * could not be built, or its tests could not run on the base commit; the run stopped before any model call.
 */
export type RunOutcome = "fixed" | "not-fixed" | "budget-exhausted" | "cancelled" | "environment-error" | "error";

/** Names of the loop's phases, in order. Used for events, traces and per-phase timings. */
export const PHASES = [
  "intake",
  "explore",
  "environment",
  "plan",
  "code",
  "test",
  "review",
  "rca",
  "aggregate",
  "publish",
] as const;
export type Phase = (typeof PHASES)[number];

/** Token usage of one or many model calls. */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  calls: number;
  /** Characters of all prompts sent (every message of every call), when counted. */
  promptChars?: number;
  /** Characters of the largest single prompt, when counted. */
  maxPromptChars?: number;
}

/** What one attempt (code → test → review) produced. */
export interface AttemptResult {
  /** 1-based. */
  attempt: number;
  /** Edits the coder and tester returned in this attempt (applied or not). */
  edits: Edit[];
  /** Messages for edits that did not apply (no match, refused by the path policy). */
  editProblems: string[];
  /** Unified diff of the attempt's state against the base commit. */
  diff: string;
  /**
   * Tests of this attempt's state, with the base commit's test configuration (the `before` run is shared by all
   * attempts).
   */
  tests?: TestReport;
  /** Fail-before / pass-after proof of this attempt (absent when no test command is known). */
  proof?: Proof;
  findings: Finding[];
  verdict?: "approve" | "request-changes";
  rca?: RootCauseAnalysis;
  /** Snapshot id (a commit SHA in the work directory) of this attempt's state. */
  snapshot?: string;
  /** Why the attempt did not succeed, when it did not. */
  failureReason?: string;
  /** Score used for snapshot protection; higher is better (see loop/score). */
  score: number;
  durationMs: number;
}

/** The pull request Tanuki would open (or opened). */
export interface PullRequestDraft {
  title: string;
  body: string;
  /** True when tests do not all pass or a blocking finding is still open. */
  draft: boolean;
}

/** Result of one run of the loop: everything the report, pr.md and run.json need. */
export interface RunResult {
  taskId: string;
  outcome: RunOutcome;
  /** One sentence on why the run ended the way it did. */
  reason: string;
  baseSha: string;
  /** Branch created in the user's repository, when there is a result worth a branch. */
  branch?: string;
  /** Commit at the tip of `branch`. */
  headSha?: string;
  plan?: PlanDecision;
  attempts: AttemptResult[];
  /** 1-based number of the attempt whose state is reported (snapshot protection: the best, not the last). */
  bestAttempt?: number;
  tests?: TestComparison;
  /** The base commit's test run and its health (ran clean, ran with failures, could not run: why). */
  baseTests?: BaseTestRun;
  /** Findings of the best attempt that are still open, plus resolved ones from earlier attempts. */
  findings: Finding[];
  rcas: RootCauseAnalysis[];
  filesChanged: string[];
  usage: TokenUsage & { byAgent: Record<string, TokenUsage> };
  /** Wall time per phase, ms (summed across attempts). */
  timings: Partial<Record<Phase, number>> & { totalMs: number };
  pullRequest?: PullRequestDraft;
  /** The environment phase: install commands, image, cache use, and on failure the command and its log tail. */
  environment?: EnvironmentReport;
  /** Present when outcome is `error`: message and stack of what crashed. */
  error?: { message: string; code?: string; stack?: string };
}
