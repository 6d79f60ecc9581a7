import type { RepoConfig } from "../../config/repo-config.js";
import type { GitHubPort } from "../../github/github-port.js";
import { renderStatusComment } from "../../github/status-comment.js";
import type { JobsContext } from "../jobs-context.js";
import { fixIssueJob } from "../kinds/fix-issue.js";
import { fixPrJob } from "../kinds/fix-pr.js";
import { reviewPrJob } from "../kinds/review-pr.js";
import { noteWhenHeadMoved } from "../lifecycle/head-moved.js";
import { startedResult, startJob } from "../lifecycle/job-lifecycle.js";
import { isSameRepo, jobKey, type RepoTarget } from "../repo-target.js";
import { type Command, helpText } from "./commands.js";
import type { IntakeResult } from "./intake-result.js";
import { refuseOverLimit } from "./limit-reply.js";
import { hasPermission } from "./permission.js";
import { configProblemText, notAllowedText, repoConfigAt } from "./repo-config-at.js";

/** The answer to `/tanuki fix` on a pull request from a fork. */
export const FORK_FIX_REFUSAL = "Tanuki cannot push to a fork: `/tanuki fix` works on branches of this repository.";

/** A `/tanuki` command from a human, as the webhook describes it. */
export interface CommentCommandInput {
  target: RepoTarget;
  /** Issue or pull request number. */
  number: number;
  isPullRequest: boolean;
  /** The comment holding the command (it gets the `eyes` reaction); absent for a manually dispatched workflow. */
  commentId?: number;
  user: string;
  command: Command;
  issue: { title: string; body: string; url: string; labels: string[] };
}

/**
 * Handle a command: check the user's command limit (`ctx.limits`, before any GitHub call), pin the commit and read
 * the config at it, check the user's permission, check the repository's limit and the queue's bound (`cancel` is
 * exempt), react with `eyes`, then answer (help, cancel) or start the job. A command over a limit gets one reply per
 * user, repository and window, then none (see `limit-reply.ts`). Bots and redeliveries are filtered before this.
 * @returns what was done (see {@link IntakeResult})
 * @throws GitHubError when GitHub finally fails (logged by the caller)
 */
export async function handleCommentCommand(ctx: JobsContext, input: CommentCommandInput): Promise<IntakeResult> {
  const { target, command } = input;
  const overUser = await ctx.limits?.admitUser(target, input.user);
  if (overUser && !overUser.ok) return refuseOverLimit(ctx, input, overUser);
  const github = await ctx.github(target.installationId, target.owner, target.repo);
  const react = async () => {
    if (input.commentId !== undefined) await github.addReaction(input.commentId, "eyes");
  };
  const [permission, pinned] = await Promise.all([github.getPermission(input.user), pin(github, input)]);
  const configResult = await repoConfigAt(github, pinned.configSha, ctx.settings.configPath);
  const minimum = configResult.ok ? configResult.config.minPermission : "write";
  if (!hasPermission(permission, minimum)) {
    await react();
    await github.createComment(input.number, notAllowedText(input.user, minimum));
    return { kind: "refused", reason: `@${input.user} has ${permission} permission; ${minimum} is required` };
  }
  const startsJob = command.kind === "fix" || command.kind === "review";
  const overRepo =
    command.kind === "cancel" ? undefined : await ctx.limits?.admitRepo(target, input.user, ctx.queue, startsJob);
  if (overRepo && !overRepo.ok) return refuseOverLimit(ctx, input, overRepo, github);
  await react();
  const label = configResult.ok ? configResult.config.label : "tanuki";
  if (command.kind === "help" || command.kind === "unknown") {
    await github.createComment(input.number, helpText(label, command.kind === "unknown" ? command.name : undefined));
    return { kind: "answered", reason: "help" };
  }
  if (command.kind === "cancel") {
    const reason = `cancelled by @${input.user}`;
    const cancelled = ctx.queue.cancel(jobKey(target, input.number), reason).length;
    const remote = ctx.dispatcher ? await ctx.dispatcher.cancel(github, jobKey(target, input.number), reason) : 0;
    if (cancelled + remote === 0)
      await github.createComment(input.number, "Nothing to cancel: no Tanuki job is running here.");
    return { kind: "answered", reason: `cancel (${cancelled + remote} job(s))` };
  }
  if (!configResult.ok) {
    const text = configProblemText(configResult.issues, pinned.configSha);
    await reportRejected(github, input.number, pinned.workSha, text, ctx.scheduler.now());
    return { kind: "rejected", reason: configResult.issues.join("; ") };
  }
  const config = configResult.config;
  const enabled = input.isPullRequest ? config.triggers.pullRequestComment : config.triggers.issueComment;
  if (!enabled) {
    await github.createComment(input.number, "Commands in comments are turned off in `.github/tanuki.yml` here.");
    return { kind: "answered", reason: "commands are turned off in the configuration" };
  }
  const started = await startCommandJob(ctx, github, input, config, pinned);
  if (!started) {
    await github.createComment(
      input.number,
      "A Tanuki job is already running here; wait for it to finish or stop it with `/tanuki cancel`.",
    );
    return { kind: "busy", reason: "a job is already running on this issue or pull request" };
  }
  return started;
}

interface Pinned {
  /** Commit the job works on. */
  workSha: string;
  /** Commit the config is read from (the base for pull requests). */
  configSha: string;
  pr?: Awaited<ReturnType<GitHubPort["getPullRequest"]>>;
}

async function pin(github: GitHubPort, input: CommentCommandInput): Promise<Pinned> {
  if (input.isPullRequest) {
    const pr = await github.getPullRequest(input.number);
    return { workSha: pr.headSha, configSha: pr.baseSha, pr };
  }
  const sha = await github.getBranchSha(input.target.defaultBranch);
  return { workSha: sha, configSha: sha };
}

async function startCommandJob(
  ctx: JobsContext,
  github: GitHubPort,
  input: CommentCommandInput,
  config: RepoConfig,
  pinned: Pinned,
): Promise<IntakeResult | undefined> {
  const { target, command } = input;
  const busy = ctx.queue
    .active(jobKey(target, input.number))
    .filter((j) => !(command.kind === "review" && j.kind === "review"));
  if (busy.length > 0) return undefined;
  const base = { target, number: input.number, sha: pinned.workSha, requester: input.user, statusComment: true };
  if (!pinned.pr && command.kind === "fix") {
    if (!input.issue.labels.includes(config.label)) await github.addLabels(input.number, [config.label]);
    const job = fixIssueJob(ctx, {
      target,
      issue: { number: input.number, title: input.issue.title, body: input.issue.body, url: input.issue.url },
      instructions: command.instructions,
      requester: input.user,
      sha: pinned.workSha,
      config,
    });
    const spec = {
      ...base,
      kind: "fix-issue" as const,
      title: `Fix for #${input.number}`,
      dispatch: { command: "fix" as const, instructions: command.instructions },
    };
    return startedResult(await startJob(ctx, github, spec, job));
  }
  if (!pinned.pr) {
    await github.createComment(input.number, helpText(config.label, "review (on an issue)"));
    return { kind: "answered", reason: "review on an issue" };
  }
  const pr = pinned.pr;
  // The job works on the head pinned above; when the branch moves meanwhile, its status comment says so.
  const head = { number: pr.number, sha: pr.headSha };
  if (command.kind === "review") {
    const job = noteWhenHeadMoved(ctx, { ...head, command: "review" }, reviewPrJob(ctx, { target, pr, config }));
    const spec = {
      ...base,
      kind: "review" as const,
      title: `Review of ${pr.headSha.slice(0, 7)}`,
      supersedes: (j: { kind: string; sha: string }) => j.kind === "review" && j.sha !== pr.headSha,
      dispatch: { command: "review" as const },
    };
    return startedResult(await startJob(ctx, github, spec, job));
  }
  if (!isSameRepo(target, pr)) {
    await github.createComment(input.number, FORK_FIX_REFUSAL);
    return { kind: "answered", reason: "fix on a fork's pull request" };
  }
  const instructions = command.kind === "fix" ? command.instructions : undefined;
  const job = noteWhenHeadMoved(
    ctx,
    { ...head, command: "fix" },
    fixPrJob(ctx, { target, pr, instructions, requester: input.user, config }),
  );
  const spec = {
    ...base,
    kind: "fix-pr" as const,
    title: `Fix of #${pr.number}`,
    dispatch: { command: "fix" as const, instructions },
  };
  return startedResult(await startJob(ctx, github, spec, job));
}

/** A status comment (and check run) saying why nothing runs. */
async function reportRejected(github: GitHubPort, number: number, sha: string, text: string, now: number) {
  const view = { jobId: "config", title: "Configuration problem", state: "rejected" as const, details: [text] };
  const check = await github.createCheckRun(sha, {
    conclusion: "failure",
    title: "Invalid .github/tanuki.yml",
    summary: text,
  });
  await github.createComment(number, renderStatusComment({ ...view, checkRunUrl: check.url }, now));
}
