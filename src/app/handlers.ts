import type { Context } from "probot";
import type { AppContext, RepoTarget } from "./app-context.js";
import { parseCommand } from "./commands.js";
import { handleCommentCommand } from "./intake/comment-command.js";
import { handleFailingCheck } from "./intake/failing-check.js";
import { handleIssueLabel } from "./intake/issue-label.js";
import { handlePullRequest } from "./intake/pull-request.js";
import { isBot } from "./permission.js";

/** Start intake work without holding the webhook's HTTP response (tracked so `idle()` can wait for it). */
export type Background = (what: string, work: () => Promise<void>) => void;

type RepoPayload = {
  repository: { owner: { login: string }; name: string; clone_url: string; default_branch: string };
  installation?: { id: number } | null;
};

/** The repository and installation a webhook is about. */
export function targetOf(payload: RepoPayload): RepoTarget {
  return {
    installationId: payload.installation?.id ?? 0,
    owner: payload.repository.owner.login,
    repo: payload.repository.name,
    cloneUrl: payload.repository.clone_url,
    defaultBranch: payload.repository.default_branch,
  };
}

/**
 * `issue_comment.created` (edited comments are not subscribed to, so they never re-trigger): parse the command,
 * drop bots and redeliveries, then handle it in the background.
 */
export async function onIssueComment(ctx: AppContext, bg: Background, context: Context<"issue_comment.created">) {
  const { payload } = context;
  const command = parseCommand(payload.comment.body);
  if (!command || isBot(payload.comment.user) || isBot(payload.sender)) return;
  if (!(await ctx.store.claimOnce("delivery", context.id))) return;
  const login = payload.comment.user?.login ?? payload.sender.login;
  bg("issue_comment", () =>
    handleCommentCommand(ctx, {
      target: targetOf(payload),
      number: payload.issue.number,
      isPullRequest: payload.issue.pull_request !== undefined && payload.issue.pull_request !== null,
      commentId: payload.comment.id,
      user: login,
      command,
      issue: {
        title: payload.issue.title,
        body: payload.issue.body ?? "",
        url: payload.issue.html_url,
        labels: (payload.issue.labels ?? []).map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
      },
    }),
  );
}

/** `issues.labeled` by a human: the configured label starts a fix. */
export async function onIssueLabeled(ctx: AppContext, bg: Background, context: Context<"issues.labeled">) {
  const { payload } = context;
  if (!payload.label || isBot(payload.sender) || payload.issue.pull_request) return;
  if (!(await ctx.store.claimOnce("delivery", context.id))) return;
  const label = payload.label.name;
  bg("issues.labeled", () =>
    handleIssueLabel(ctx, {
      target: targetOf(payload),
      label,
      user: payload.sender.login,
      issue: {
        number: payload.issue.number,
        title: payload.issue.title,
        body: payload.issue.body ?? "",
        url: payload.issue.html_url,
      },
    }),
  );
}

type ReviewAction = "opened" | "reopened" | "ready_for_review" | "synchronize";

/** `pull_request` opened / reopened / ready_for_review / synchronize by a human: automatic review. */
export async function onPullRequest(ctx: AppContext, bg: Background, context: Context<`pull_request.${ReviewAction}`>) {
  const { payload } = context;
  const pr = payload.pull_request;
  if (isBot(payload.sender) || pr.state !== "open") return;
  if (!(await ctx.store.claimOnce("delivery", context.id))) return;
  bg("pull_request", () =>
    handlePullRequest(ctx, {
      target: targetOf(payload),
      action: payload.action as ReviewAction,
      user: payload.sender.login,
      pr: {
        number: pr.number,
        title: pr.title,
        body: pr.body ?? "",
        draft: pr.draft ?? false,
        state: "open",
        headSha: pr.head.sha,
        headRef: pr.head.ref,
        headRepo: pr.head.repo?.full_name ?? "",
        baseSha: pr.base.sha,
        baseRef: pr.base.ref,
        author: pr.user?.login ?? "",
        url: pr.html_url,
      },
    }),
  );
}

/** `check_run.completed` with a failing conclusion on a pull request (not Tanuki's own check run). */
export async function onCheckRun(ctx: AppContext, bg: Background, context: Context<"check_run.completed">) {
  const { payload } = context;
  const run = payload.check_run;
  if (run.conclusion !== "failure" && run.conclusion !== "timed_out") return;
  if (run.pull_requests.length === 0) return;
  if (!(await ctx.store.claimOnce("delivery", context.id))) return;
  const isActions = run.app?.slug === "github-actions";
  const outputText = [run.output?.title, run.output?.summary, run.output?.text].filter(Boolean).join("\n\n");
  for (const pr of run.pull_requests) {
    bg("check_run", () =>
      handleFailingCheck(ctx, {
        target: targetOf(payload),
        pr: {
          number: pr.number,
          headSha: pr.head.sha,
          headRef: pr.head.ref,
          baseSha: pr.base.sha,
          sameRepo: pr.head.repo.id === pr.base.repo.id,
        },
        check: { name: run.name, ...(isActions ? { jobId: run.id } : { outputText }) },
      }),
    );
  }
}

/** `workflow_run.completed` with conclusion failure on a pull request: each failed job is analysed. */
export async function onWorkflowRun(ctx: AppContext, bg: Background, context: Context<"workflow_run.completed">) {
  const { payload } = context;
  const run = payload.workflow_run;
  if (run.conclusion !== "failure" || (run.pull_requests ?? []).length === 0) return;
  if (!(await ctx.store.claimOnce("delivery", context.id))) return;
  const target = targetOf(payload);
  bg("workflow_run", async () => {
    const github = await ctx.github(target.installationId, target.owner, target.repo);
    const jobs = await github.listFailedJobs(run.id);
    for (const pr of run.pull_requests ?? []) {
      if (!pr) continue;
      for (const job of jobs) {
        await handleFailingCheck(ctx, {
          target,
          pr: {
            number: pr.number,
            headSha: pr.head.sha,
            headRef: pr.head.ref,
            baseSha: pr.base.sha,
            sameRepo: pr.head.repo.id === pr.base.repo.id,
          },
          check: { name: job.name, jobId: job.id },
        });
      }
    }
  });
}
