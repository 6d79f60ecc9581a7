import { TanukiError } from "../core/errors.js";

/** A GitHub API call failed after Octokit's retries. `status` is the HTTP status, when there was an answer. */
export class GitHubError extends TanukiError {
  readonly status: number | undefined;
  /** What was being done, e.g. `POST /repos/{owner}/{repo}/check-runs`. */
  readonly operation: string;
  constructor(operation: string, status: number | undefined, message: string, options?: { cause?: unknown }) {
    super("github", `GitHub API ${operation} failed${status ? ` (${status})` : ""}: ${message}`, options);
    this.status = status;
    this.operation = operation;
  }
}

/** Wrap an Octokit error (a `RequestError` has `status`) once, at the adapter. */
export function toGitHubError(operation: string, err: unknown): GitHubError {
  if (err instanceof GitHubError) return err;
  const status =
    typeof (err as { status?: unknown })?.status === "number" ? (err as { status: number }).status : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return new GitHubError(operation, status, message, { cause: err });
}
