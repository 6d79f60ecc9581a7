import type { RunEventListener } from "../core/events.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import type { ReviewRunResult } from "../loop/run-review.js";

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

/**
 * The work the MCP server delegates: Tanuki's use-cases (`runFix`, `runReview`) over the engine, built by the
 * entry point so `src/mcp` imports no adapter. Expected outcomes are values; errors (a missing repository or
 * commit, the sandbox down) are thrown and become the tool's error result.
 */
export interface McpWork {
  /** Runs the loop; @returns the result and the folder holding run.json, pr.md and trace.jsonl */
  fix(request: McpFixRequest): Promise<{ result: RunResult; reportDir: string }>;
  /** Reviews the change; @returns the review and the full SHA of `head` */
  review(request: McpReviewRequest): Promise<ReviewRunResult & { headSha: string }>;
}
