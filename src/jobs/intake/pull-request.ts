import picomatch from "picomatch";
import type { PullRequestInfo } from "../../github/github-port.js";
import type { JobsContext } from "../jobs-context.js";
import { reviewPrJob } from "../kinds/review-pr.js";
import { startedResult, startJob } from "../lifecycle/job-lifecycle.js";
import type { RepoTarget } from "../repo-target.js";
import { type IntakeResult, ignored } from "./intake-result.js";
import { hasPermission } from "./permission.js";
import { configProblemText, repoConfigAt } from "./repo-config-at.js";

/** A `pull_request` event that may start an automatic review. */
export interface PullRequestEventInput {
  target: RepoTarget;
  action: "opened" | "reopened" | "ready_for_review" | "synchronize";
  /** Who caused the event (the pusher on synchronize). */
  user: string;
  pr: PullRequestInfo;
}

/**
 * Automatic review: read the config at the base commit, apply its filters (enabled, events, drafts, base
 * branches), require the configured permission from whoever caused the event, then queue a review. A newer push
 * supersedes (cancels) a review still running for an older SHA.
 * @returns what was done (see {@link IntakeResult})
 * @throws GitHubError when GitHub finally fails
 */
export async function handlePullRequest(ctx: JobsContext, input: PullRequestEventInput): Promise<IntakeResult> {
  const { target, pr } = input;
  const github = await ctx.github(target.installationId, target.owner, target.repo);
  const result = await repoConfigAt(github, pr.baseSha, ctx.settings.configPath);
  if (!result.ok) {
    await github.createCheckRun(pr.headSha, {
      conclusion: "failure",
      title: "Invalid .github/tanuki.yml",
      summary: configProblemText(result.issues, pr.baseSha),
    });
    return { kind: "rejected", reason: result.issues.join("; ") };
  }
  const review = result.config.autoReview;
  if (!review.enabled || !review.events.includes(input.action))
    return ignored(`automatic review is off for ${input.action}`);
  if (pr.draft && review.skipDrafts) return ignored("draft pull request");
  if (review.baseBranches.length > 0 && !picomatch(review.baseBranches)(pr.baseRef)) {
    return ignored(`base branch ${pr.baseRef} is not reviewed`);
  }
  if (!hasPermission(await github.getPermission(input.user), result.config.minPermission)) {
    ctx.log.info({ pr: pr.number, user: input.user }, "automatic review skipped: not enough permission");
    return { kind: "refused", reason: `@${input.user} lacks ${result.config.minPermission} permission` };
  }
  const started = await startJob(
    ctx,
    github,
    {
      kind: "review",
      target,
      number: pr.number,
      sha: pr.headSha,
      requester: input.user,
      title: `Review of ${pr.headSha.slice(0, 7)}`,
      statusComment: false,
      whenBusy: "wait",
      supersedes: (existing) => existing.kind === "review" && existing.sha !== pr.headSha,
      dispatch: { command: "review" },
    },
    reviewPrJob(ctx, { target, pr, config: result.config }),
  );
  return startedResult(started) ?? { kind: "busy", reason: "a job is already running on this pull request" };
}
