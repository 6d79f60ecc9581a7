import type { Permission } from "../config/repo-config.js";

/** Name of the check run Tanuki creates (and ignores when it looks for failing checks). */
export const CHECK_RUN_NAME = "Tanuki";

/** One annotation on a check run (GitHub allows 50 per request; the adapter sends them in batches). */
export interface CheckAnnotation {
  path: string;
  /** 1-based lines of the new file. */
  startLine: number;
  endLine: number;
  level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

/** What a check run shows; `conclusion` set means completed. */
export interface CheckRunUpdate {
  status?: "queued" | "in_progress" | "completed";
  conclusion?: "success" | "failure" | "neutral" | "cancelled" | "action_required";
  title: string;
  /** Markdown, capped at 65,535 characters by GitHub (the adapter truncates). */
  summary: string;
  annotations?: CheckAnnotation[];
}

/** An inline review comment on the new side of a pull request's diff. */
export interface ReviewComment {
  path: string;
  /** 1-based line in the new file; must be part of the pull request's diff. */
  line: number;
  body: string;
}

/** The facts about a pull request that jobs need. */
export interface PullRequestInfo {
  number: number;
  title: string;
  body: string;
  draft: boolean;
  state: "open" | "closed";
  headSha: string;
  headRef: string;
  /** `owner/name` of the head repository; differs from the base for forks. */
  headRepo: string;
  baseSha: string;
  baseRef: string;
  author: string;
  url: string;
}

/** An issue (or a pull request seen as an issue) as jobs need it. */
export interface IssueInfo {
  number: number;
  title: string;
  body: string;
  url: string;
  labels: string[];
  /** True when the number is a pull request's. */
  isPullRequest: boolean;
}

/** The state of a check run as GitHub reports it. */
export interface CheckRunState {
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  /** Set once completed. */
  conclusion?: string;
  url: string;
}

/** A failed check run on a commit (conclusion `failure` or `timed_out`). */
export interface FailedCheck {
  name: string;
  /** Actions job id, for the check run of a GitHub Actions job: its log can be downloaded. */
  jobId?: number;
  /** Title, summary and text of the check run's output, for checks of other apps (which have no job log). */
  outputText?: string;
}

/** A workflow run started by {@link GitHubPort.dispatchWorkflow}, when GitHub returns its details. */
export interface DispatchedRun {
  /** Workflow run id; absent where GitHub does not return run details (older GitHub Enterprise Server). */
  runId?: number;
  /** Web page of the run. */
  url?: string;
}

/**
 * The GitHub port: every GitHub API call the app makes, for one repository and one installation.
 * The Octokit implementation is `OctokitGitHub`; Octokit's retry and throttling plugins retry 5xx answers and
 * rate limits underneath it.
 *
 * @throws GitHubError (code `github`, with the status and the Octokit error as `cause`) when a call finally fails
 */
export interface GitHubPort {
  readonly owner: string;
  readonly repo: string;
  addReaction(commentId: number, content: "eyes" | "+1" | "confused"): Promise<void>;
  /** The user's permission on the repository from the collaborator-permission API (`none` for strangers). */
  getPermission(username: string): Promise<Permission>;
  /** SHA a branch points at now. */
  getBranchSha(branch: string): Promise<string>;
  /** Text of a file at a commit, or undefined when it does not exist there. */
  getFile(path: string, ref: string): Promise<string | undefined>;
  createComment(issueNumber: number, body: string): Promise<{ id: number; url: string }>;
  updateComment(commentId: number, body: string): Promise<void>;
  addLabels(issueNumber: number, labels: string[]): Promise<void>;
  /** Create the `Tanuki` check run on a commit. */
  createCheckRun(headSha: string, update: CheckRunUpdate): Promise<{ id: number; url: string }>;
  updateCheckRun(checkRunId: number, update: CheckRunUpdate): Promise<void>;
  getPullRequest(pullNumber: number): Promise<PullRequestInfo>;
  createPullRequest(input: {
    title: string;
    body: string;
    head: string;
    base: string;
    draft: boolean;
  }): Promise<{ number: number; url: string }>;
  requestReviewers(pullNumber: number, logins: string[]): Promise<void>;
  /** Post one review (event COMMENT) with inline comments, on `commitId`. */
  createReview(
    pullNumber: number,
    input: { commitId: string; body: string; comments: ReviewComment[] },
  ): Promise<{ id: number; url: string }>;
  /** Plain-text log of one Actions job. */
  getJobLog(jobId: number): Promise<string>;
  /**
   * The failed check runs on a commit (latest run of each check, all pages; Tanuki's own check run included):
   * GET /repos/{o}/{r}/commits/{sha}/check-runs?filter=latest. Actions jobs come with their job id.
   */
  listFailedChecks(sha: string): Promise<FailedCheck[]>;
  /** Jobs of a workflow run that failed (latest attempt). */
  listFailedJobs(runId: number): Promise<{ id: number; name: string }[]>;
  /** An issue or pull request by number. */
  getIssue(issueNumber: number): Promise<IssueInfo>;
  /** The current state of a check run. */
  getCheckRun(checkRunId: number): Promise<CheckRunState>;
  /**
   * Start a workflow with a `workflow_dispatch` trigger on `ref` (POST /repos/{o}/{r}/actions/workflows/{id}/dispatches),
   * asking GitHub for the run's id. `workflow` is the file name (`tanuki.yml`) or the numeric id.
   */
  dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<DispatchedRun>;
  /** Cancel a workflow run (a run that already finished is left as it is). */
  cancelWorkflowRun(runId: number): Promise<void>;
  /** A fresh installation access token, for git over HTTPS. Never log it. */
  installationToken(): Promise<string>;
}
