import type { EmitterWebhookEvent, EmitterWebhookEventName } from "@octokit/webhooks";
import { failedCheckOf, isFailedCheckRun } from "../../github/failed-check.js";
import { toPullRequestInfo } from "../../github/pull-request-info.js";
import type { JobsContext } from "../jobs-context.js";
import type { RepoTarget } from "../repo-target.js";
import { parseCommand } from "./commands.js";
import type { CommentCommandInput } from "./comment-command.js";
import type { FailingCheckEventInput } from "./failing-check.js";
import type { IssueLabelInput } from "./issue-label.js";
import { isBot } from "./permission.js";
import type { PullRequestEventInput } from "./pull-request.js";

/**
 * A webhook payload by event name (`issue_comment.created`, ...), as `@octokit/webhooks` types it: the App gets it from
 * Probot, the Action from `GITHUB_EVENT_PATH` through the same `Webhooks` emitter.
 */
export type EventPayload<E extends EmitterWebhookEventName> = EmitterWebhookEvent<E>["payload"];

type RepoPayload = {
  repository: { owner: { login: string }; name: string; clone_url: string; default_branch: string };
  installation?: { id: number } | null;
};

/** The repository and installation an event is about (installation 0 when there is none, as in Actions events). */
export function targetOf(payload: RepoPayload): RepoTarget {
  return {
    installationId: payload.installation?.id ?? 0,
    owner: payload.repository.owner.login,
    repo: payload.repository.name,
    cloneUrl: payload.repository.clone_url,
    defaultBranch: payload.repository.default_branch,
  };
}

/** The command of a new comment, or undefined when it holds none or a bot wrote it. */
export function commentCommandInputOf(payload: EventPayload<"issue_comment.created">): CommentCommandInput | undefined {
  const command = parseCommand(payload.comment.body);
  if (!command || isBot(payload.comment.user) || isBot(payload.sender)) return undefined;
  return {
    target: targetOf(payload),
    number: payload.issue.number,
    isPullRequest: payload.issue.pull_request !== undefined && payload.issue.pull_request !== null,
    commentId: payload.comment.id,
    user: payload.comment.user?.login ?? payload.sender.login,
    command,
    issue: {
      title: payload.issue.title,
      body: payload.issue.body ?? "",
      url: payload.issue.html_url,
      labels: (payload.issue.labels ?? []).map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
    },
  };
}

/** A label a human added to an issue (not a pull request), or undefined. */
export function issueLabelInputOf(payload: EventPayload<"issues.labeled">): IssueLabelInput | undefined {
  if (!payload.label || isBot(payload.sender) || payload.issue.pull_request) return undefined;
  return {
    target: targetOf(payload),
    label: payload.label.name,
    user: payload.sender.login,
    issue: {
      number: payload.issue.number,
      title: payload.issue.title,
      body: payload.issue.body ?? "",
      url: payload.issue.html_url,
    },
  };
}

/** `pull_request` actions that may start an automatic review. */
export const REVIEW_ACTIONS = ["opened", "reopened", "ready_for_review", "synchronize"] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];
/** The `pull_request` events of {@link REVIEW_ACTIONS}, as the App and the Action subscribe to them. */
export const PULL_REQUEST_REVIEW_EVENTS = REVIEW_ACTIONS.map((a) => `pull_request.${a}` as const);

/** An open pull request a human opened or pushed to, or undefined. */
export function pullRequestInputOf(
  payload: EventPayload<`pull_request.${ReviewAction}`>,
): PullRequestEventInput | undefined {
  const pr = payload.pull_request;
  if (isBot(payload.sender) || pr.state !== "open") return undefined;
  return {
    target: targetOf(payload),
    action: payload.action as ReviewAction,
    user: payload.sender.login,
    pr: toPullRequestInfo(pr),
  };
}

/** One input per pull request of a failed or timed-out check run (none for other conclusions). */
export function checkRunInputsOf(payload: EventPayload<"check_run.completed">): FailingCheckEventInput[] {
  const run = payload.check_run;
  if (!isFailedCheckRun(run)) return [];
  return run.pull_requests.map((pr) => ({
    target: targetOf(payload),
    pr: failingPullRequestOf(pr),
    check: failedCheckOf(run),
  }));
}

/** A pull request as a check run or a workflow run lists it. */
type RunPullRequest = {
  number: number;
  head: { sha: string; ref: string; repo: { id: number } };
  base: { sha: string; repo: { id: number } };
};

/** The pull request of a failing check; `sameRepo` is false for a fork. */
function failingPullRequestOf(pr: RunPullRequest): FailingCheckEventInput["pr"] {
  return {
    number: pr.number,
    headSha: pr.head.sha,
    headRef: pr.head.ref,
    baseSha: pr.base.sha,
    sameRepo: pr.head.repo.id === pr.base.repo.id,
  };
}

/** True for a failed workflow run on at least one pull request. */
export function isFailedPullRequestRun(payload: EventPayload<"workflow_run.completed">): boolean {
  const run = payload.workflow_run;
  return run.conclusion === "failure" && (run.pull_requests ?? []).length > 0;
}

/**
 * One input per (pull request, failed job) of a failed workflow run: the jobs are listed through the API.
 * @throws GitHubError when the jobs cannot be listed
 */
export async function workflowRunInputsOf(
  ctx: JobsContext,
  payload: EventPayload<"workflow_run.completed">,
): Promise<FailingCheckEventInput[]> {
  if (!isFailedPullRequestRun(payload)) return [];
  const run = payload.workflow_run;
  const target = targetOf(payload);
  const github = await ctx.github(target.installationId, target.owner, target.repo);
  const jobs = await github.listFailedJobs(run.id);
  const inputs: FailingCheckEventInput[] = [];
  for (const pr of run.pull_requests ?? []) {
    if (!pr) continue;
    for (const job of jobs) {
      inputs.push({
        target,
        pr: failingPullRequestOf(pr),
        check: { name: job.name, jobId: job.id },
      });
    }
  }
  return inputs;
}
