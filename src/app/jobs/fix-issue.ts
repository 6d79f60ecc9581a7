import { join } from "node:path";
import type { RepoConfig } from "../../config/repo-config.js";
import { toRunConfig } from "../../config/repo-config.js";
import type { Task } from "../../core/task.js";
import { cloneAtSha } from "../../github/git-remote.js";
import { type AppContext, type RepoTarget, remoteUrlOf } from "../app-context.js";
import type { JobArgs, JobOutcome } from "../job-lifecycle.js";
import { publishFix, slugify } from "./publish-fix.js";

/** What the fix of an issue needs from the webhook. */
export interface FixIssueInput {
  target: RepoTarget;
  issue: { number: number; title: string; body: string; url: string };
  instructions?: string;
  requester: string;
  /** Default-branch commit pinned at intake. */
  sha: string;
  config: RepoConfig;
}

/** Branch of an issue fix: `tanuki/issue-<n>-<slug of the title>`. */
export function issueBranch(issue: { number: number; title: string }): string {
  return `tanuki/issue-${issue.number}-${slugify(issue.title)}`;
}

/**
 * The fix-issue job: clone at the pinned SHA, run the engine, push `tanuki/issue-<n>-<slug>` and open the pull
 * request into the default branch, asking the requester for review.
 */
export function fixIssueJob(ctx: AppContext, input: FixIssueInput) {
  return async ({ signal, reporter, folder, github }: JobArgs): Promise<JobOutcome> => {
    const repoDir = join(folder, "repo");
    const remoteUrl = remoteUrlOf(ctx, input.target);
    await cloneAtSha({
      remote: { url: remoteUrl, token: await github.installationToken() },
      sha: input.sha,
      dir: repoDir,
      signal,
    });
    const branch = issueBranch(input.issue);
    const task: Task = {
      id: `${input.target.owner}/${input.target.repo}#${input.issue.number}`,
      kind: "fix",
      repoPath: repoDir,
      baseSha: input.sha,
      issue: { ...input.issue },
      ...(input.instructions ? { instructions: input.instructions } : {}),
      branchName: branch,
    };
    const result = await ctx.runner.fix({
      repoDir,
      task,
      config: toRunConfig(input.config, ctx.settings.runConfig),
      models: input.config.models,
      onEvent: reporter.onEvent,
      signal,
    });
    return publishFix({
      github,
      result,
      repoDir,
      remoteUrl,
      destination: { kind: "pull-request", branch, base: input.target.defaultBranch, requester: input.requester },
      signal,
    });
  };
}
