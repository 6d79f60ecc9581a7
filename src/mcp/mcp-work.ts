import type { RunEventListener } from "../core/events.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import type { ReviewRunResult } from "../loop/run-review.js";
import type { EvalResult } from "./tool-schemas.js";

/** Options of one fix asked through MCP, beside the task. */
export interface McpFixRequest {
  /** A `fix` task on a local repository (its committed state). */
  task: Task;
  /** Overrides the detected test command for this run. */
  testCommand?: string;
  /** Attempts for this run (default: the server's). */
  maxAttempts?: number;
  onEvent: RunEventListener;
  /** Aborted when the client cancels the call (or disconnects). */
  signal: AbortSignal;
}

/** A review asked through MCP: the change `base..head` of a local repository. */
export interface McpReviewRequest {
  repoPath: string;
  /** Commit the change starts from (the merge base of `base` and `head` is used, as a pull request shows). */
  base: string;
  /** Commit under review. */
  head: string;
  title?: string;
  onEvent: RunEventListener;
  signal: AbortSignal;
}

/** An eval asked through MCP: the project's tests at `base` and at `head` of a local repository, compared. */
export interface McpEvalRequest {
  repoPath: string;
  base: string;
  head: string;
  /** Overrides the eval's runner (JUnit XML in `$TANUKI_RESULTS/junit.xml`). */
  testCommand?: string;
  onEvent: RunEventListener;
  signal: AbortSignal;
}

/**
 * The work the MCP server delegates: Tanuki's use-cases (`runFix`, `runReview`, the eval's scoring) over the engine, built by the
 * entry point so `src/mcp` imports no adapter. Expected outcomes are values; errors (a missing repository or
 * commit, the sandbox down) are thrown and become the tool's error result.
 */
export interface McpWork {
  /** Runs the loop; @returns the result and the folder holding run.json, pr.md and trace.jsonl */
  fix(request: McpFixRequest): Promise<{ result: RunResult; reportDir: string }>;
  /** Reviews the change; @returns the review and the full SHA of `head` */
  review(request: McpReviewRequest): Promise<ReviewRunResult & { headSha: string }>;
  /** Scores the change as `tanuki eval` scores a patch; @throws UsageError for a missing commit */
  eval(request: McpEvalRequest): Promise<EvalResult>;
}
