import type { ProbotOctokit } from "probot";
import { PERMISSION_LEVELS, type Permission } from "../config/repo-config.js";
import { failedCheckOf, isFailedCheckRun } from "./failed-check.js";
import { toGitHubError } from "./github-error.js";
import {
  CHECK_RUN_NAME,
  type CheckAnnotation,
  type CheckRunState,
  type CheckRunUpdate,
  type DispatchedRun,
  type FailedCheck,
  type GitHubPort,
  type IssueInfo,
  type PullRequestInfo,
  type ReviewComment,
} from "./github-port.js";
import { toPullRequestInfo } from "./pull-request-info.js";

/** GitHub's limits: characters of a check run summary, annotations per request. */
const MAX_SUMMARY_CHARS = 65_535;
const ANNOTATIONS_PER_REQUEST = 50;

/**
 * {@link GitHubPort} over a Probot Octokit (retry and throttling plugins included): installation-authenticated in
 * the App, authenticated with the workflow's token (or an App installation token) in the Action.
 * Octokit's errors are wrapped once, here, into `GitHubError` with the original as `cause`.
 */
export class OctokitGitHub implements GitHubPort {
  constructor(
    private readonly octokit: ProbotOctokit,
    readonly owner: string,
    readonly repo: string,
  ) {}

  async addReaction(commentId: number, content: "eyes" | "+1" | "confused"): Promise<void> {
    await this.call("POST comment reaction", () =>
      this.octokit.rest.reactions.createForIssueComment({ ...this.ref(), comment_id: commentId, content }),
    );
  }

  async getPermission(username: string): Promise<Permission> {
    const response = await this.call(
      "GET collaborator permission",
      () => this.octokit.rest.repos.getCollaboratorPermissionLevel({ ...this.ref(), username }),
      { status: 404, value: undefined },
    );
    if (!response) return "none";
    const { data } = response;
    const role = (data as { role_name?: string }).role_name;
    const known = (value: string | undefined): value is Permission =>
      value !== undefined && (PERMISSION_LEVELS as readonly string[]).includes(value);
    if (known(role)) return role;
    return known(data.permission) ? data.permission : "none";
  }

  async getBranchSha(branch: string): Promise<string> {
    const { data } = await this.call("GET git ref", () =>
      this.octokit.rest.git.getRef({ ...this.ref(), ref: `heads/${branch}` }),
    );
    return data.object.sha;
  }

  async getFile(path: string, ref: string): Promise<string | undefined> {
    const response = await this.call(
      "GET contents",
      () => this.octokit.rest.repos.getContent({ ...this.ref(), path, ref, mediaType: { format: "raw" } }),
      { status: 404, value: undefined },
    );
    return typeof response?.data === "string" ? response.data : undefined;
  }

  async createComment(issueNumber: number, body: string): Promise<{ id: number; url: string }> {
    const { data } = await this.call("POST issue comment", () =>
      this.octokit.rest.issues.createComment({ ...this.ref(), issue_number: issueNumber, body }),
    );
    return { id: data.id, url: data.html_url };
  }

  async updateComment(commentId: number, body: string): Promise<void> {
    await this.call("PATCH issue comment", () =>
      this.octokit.rest.issues.updateComment({ ...this.ref(), comment_id: commentId, body }),
    );
  }

  async addLabels(issueNumber: number, labels: string[]): Promise<void> {
    await this.call("POST issue labels", () =>
      this.octokit.rest.issues.addLabels({ ...this.ref(), issue_number: issueNumber, labels }),
    );
  }

  async createCheckRun(headSha: string, update: CheckRunUpdate): Promise<{ id: number; url: string }> {
    const [first, ...rest] = chunk(update.annotations ?? [], ANNOTATIONS_PER_REQUEST);
    const { data } = await this.call("POST check run", () =>
      this.octokit.rest.checks.create({
        ...this.ref(),
        name: CHECK_RUN_NAME,
        head_sha: headSha,
        ...checkFields(update, first),
      }),
    );
    for (const batch of rest) await this.updateCheckRun(data.id, { ...update, annotations: batch });
    return { id: data.id, url: data.html_url ?? data.url };
  }

  async updateCheckRun(checkRunId: number, update: CheckRunUpdate): Promise<void> {
    const batches = chunk(update.annotations ?? [], ANNOTATIONS_PER_REQUEST);
    for (const batch of batches.length > 0 ? batches : [undefined]) {
      await this.call("PATCH check run", () =>
        this.octokit.rest.checks.update({ ...this.ref(), check_run_id: checkRunId, ...checkFields(update, batch) }),
      );
    }
  }

  async getPullRequest(pullNumber: number): Promise<PullRequestInfo> {
    const { data } = await this.call("GET pull request", () =>
      this.octokit.rest.pulls.get({ ...this.ref(), pull_number: pullNumber }),
    );
    return toPullRequestInfo(data);
  }

  async createPullRequest(input: { title: string; body: string; head: string; base: string; draft: boolean }) {
    const { data } = await this.call("POST pull request", () =>
      this.octokit.rest.pulls.create({ ...this.ref(), ...input }),
    );
    return { number: data.number, url: data.html_url };
  }

  async requestReviewers(pullNumber: number, logins: string[]): Promise<void> {
    await this.call("POST requested reviewers", () =>
      this.octokit.rest.pulls.requestReviewers({ ...this.ref(), pull_number: pullNumber, reviewers: logins }),
    );
  }

  async createReview(pullNumber: number, input: { commitId: string; body: string; comments: ReviewComment[] }) {
    const { data } = await this.call("POST pull request review", () =>
      this.octokit.rest.pulls.createReview({
        ...this.ref(),
        pull_number: pullNumber,
        commit_id: input.commitId,
        event: "COMMENT",
        body: input.body,
        comments: input.comments.map((c) => ({ path: c.path, line: c.line, side: "RIGHT", body: c.body })),
      }),
    );
    return { id: data.id, url: data.html_url };
  }

  async getJobLog(jobId: number): Promise<string> {
    const { data } = await this.call("GET job logs", () =>
      this.octokit.rest.actions.downloadJobLogsForWorkflowRun({ ...this.ref(), job_id: jobId }),
    );
    return typeof data === "string" ? data : String(data);
  }

  async listFailedChecks(sha: string): Promise<FailedCheck[]> {
    const runs = await this.call("GET commit check runs", () =>
      this.octokit.paginate(this.octokit.rest.checks.listForRef, {
        ...this.ref(),
        ref: sha,
        filter: "latest",
        per_page: 100,
      }),
    );
    return runs.filter(isFailedCheckRun).map(failedCheckOf);
  }

  async listFailedJobs(runId: number): Promise<{ id: number; name: string }[]> {
    const { data } = await this.call("GET workflow run jobs", () =>
      this.octokit.rest.actions.listJobsForWorkflowRun({ ...this.ref(), run_id: runId, filter: "latest" }),
    );
    return data.jobs
      .filter((job) => job.conclusion === "failure" || job.conclusion === "timed_out")
      .map((job) => ({ id: job.id, name: job.name }));
  }

  async getIssue(issueNumber: number): Promise<IssueInfo> {
    const { data } = await this.call("GET issue", () =>
      this.octokit.rest.issues.get({ ...this.ref(), issue_number: issueNumber }),
    );
    return {
      number: data.number,
      title: data.title,
      body: data.body ?? "",
      url: data.html_url,
      labels: data.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))).filter(Boolean),
      isPullRequest: data.pull_request !== undefined && data.pull_request !== null,
    };
  }

  async getCheckRun(checkRunId: number): Promise<CheckRunState> {
    const { data } = await this.call("GET check run", () =>
      this.octokit.rest.checks.get({ ...this.ref(), check_run_id: checkRunId }),
    );
    return {
      status: data.status,
      ...(data.conclusion ? { conclusion: data.conclusion } : {}),
      url: data.html_url ?? data.url,
    };
  }

  async dispatchWorkflow(workflow: string, ref: string, inputs: Record<string, string>): Promise<DispatchedRun> {
    const response = await this.call("POST workflow dispatch", () =>
      this.octokit.request("POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches", {
        ...this.ref(),
        workflow_id: /^\d+$/.test(workflow) ? Number(workflow) : workflow,
        ref,
        inputs,
        return_run_details: true,
      }),
    );
    const data = (response.status === 200 ? response.data : undefined) as
      | { workflow_run_id?: number; html_url?: string }
      | undefined;
    return {
      ...(typeof data?.workflow_run_id === "number" ? { runId: data.workflow_run_id } : {}),
      ...(data?.html_url ? { url: data.html_url } : {}),
    };
  }

  async cancelWorkflowRun(runId: number): Promise<void> {
    // 409: the run has already finished; nothing to cancel.
    await this.call(
      "POST cancel workflow run",
      () => this.octokit.rest.actions.cancelWorkflowRun({ ...this.ref(), run_id: runId }),
      { status: 409, value: undefined },
    );
  }

  async installationToken(): Promise<string> {
    const auth = (await this.call("POST installation token", () => this.octokit.auth({ type: "installation" }))) as {
      token?: string;
    };
    if (!auth.token) throw toGitHubError("POST installation token", new Error("no installation token returned"));
    return auth.token;
  }

  private ref() {
    return { owner: this.owner, repo: this.repo };
  }

  /**
   * `fn`'s answer; when GitHub answers `expected.status`, `expected.value` instead (an expected outcome, such as
   * 404 for a file that is absent). Any other failure becomes a `GitHubError` naming `operation`.
   */
  private async call<T, F = never>(
    operation: string,
    fn: () => Promise<T>,
    expected?: { status: number; value: F },
  ): Promise<T | F> {
    try {
      return await fn();
    } catch (err) {
      if (expected && (err as { status?: number }).status === expected.status) return expected.value;
      throw toGitHubError(operation, err);
    }
  }
}

/** Check run fields in GitHub's shape, with the summary capped. */
function checkFields(update: CheckRunUpdate, annotations: CheckAnnotation[] | undefined) {
  const summary =
    update.summary.length > MAX_SUMMARY_CHARS
      ? `${update.summary.slice(0, MAX_SUMMARY_CHARS - 20)}\n\n…(truncated)`
      : update.summary;
  return {
    ...(update.conclusion ? { status: "completed" as const, conclusion: update.conclusion } : {}),
    ...(!update.conclusion && update.status ? { status: update.status } : {}),
    output: {
      title: update.title,
      summary,
      ...(annotations && annotations.length > 0
        ? {
            annotations: annotations.map((a) => ({
              path: a.path,
              start_line: a.startLine,
              end_line: a.endLine,
              annotation_level: a.level,
              title: a.title,
              message: a.message,
            })),
          }
        : {}),
    },
  };
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
