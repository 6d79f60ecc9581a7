/**
 * A Task is what every entry point (CLI, GitHub App, Action) turns its input into: one unit of work for the loop.
 * Text fields hold sanitized user input (see `intake/sanitize`); they are data, never instructions.
 */
export interface Task {
  /** Stable id for traces and logs, e.g. `cli-20261121-abc123` or `acme/widgets#42`. */
  id: string;
  /**
   * What to do: `fix` (`runFix`), `review` of a change (`runReview`) or `failure-analysis` of a failing check's log
   * (`analyzeFailure`). A failing check's repair is a `fix` seeded with the analysis.
   */
  kind: "fix" | "review" | "failure-analysis";
  /** Absolute path of the user's git repository. Never modified except for adding the result branch. */
  repoPath: string;
  /**
   * The repository's name where it has one (`owner/name` on GitHub): environments are cached per repository, and
   * a path (a job's fresh clone) would never be the same twice. Default: `repoPath`.
   */
  repository?: string;
  /** Commit the work starts from (full SHA). Resolved from HEAD when the entry point does not pin one. */
  baseSha?: string;
  /** The issue being fixed, already sanitized. */
  issue: {
    title: string;
    body: string;
    /** Issue number on GitHub, when there is one (used for `Fixes #n` and the branch name). */
    number?: number;
    url?: string;
  };
  /** Extra instructions from the requester (e.g. the text after `/tanuki fix`), sanitized. */
  instructions?: string;
  /** Name of the result branch; defaults to `tanuki/<slug of the issue title>`. */
  branchName?: string;
}
