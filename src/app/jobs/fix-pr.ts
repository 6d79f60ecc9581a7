import { join } from "node:path";
import { type RepoConfig, toRunConfig } from "../../config/repo-config.js";
import { cloneAtSha } from "../../github/git-remote.js";
import type { PullRequestInfo } from "../../github/github-port.js";
import { type AppContext, jobKey, type RepoTarget, remoteUrlOf } from "../app-context.js";
import type { JobArgs, JobOutcome } from "../job-lifecycle.js";
import { publishFix } from "./publish-fix.js";

/** What `/tanuki fix` on a pull request needs. */
export interface FixPrInput {
  target: RepoTarget;
  pr: PullRequestInfo;
  instructions?: string;
  requester: string;
  config: RepoConfig;
}

/**
 * `/tanuki fix` on a pull request: address the open review findings (from the job store) and the requester's
 * instructions, starting from the head commit. On Tanuki's own `tanuki/*` branch the fix is pushed onto it;
 * on another branch of the same repository it becomes a follow-up pull request into that branch.
 */
export function fixPrJob(ctx: AppContext, input: FixPrInput) {
  return async ({ signal, reporter, folder, github }: JobArgs): Promise<JobOutcome> => {
    const { pr } = input;
    const repoDir = join(folder, "repo");
    const remoteUrl = remoteUrlOf(ctx, input.target);
    await cloneAtSha({
      remote: { url: remoteUrl, token: await github.installationToken() },
      sha: pr.headSha,
      dir: repoDir,
      signal,
    });
    const open = (await ctx.store.getReviewState(jobKey(input.target, pr.number)))?.openFindings ?? [];
    const findings = open.map((f) => `- ${f.file}:${f.line} (${f.severity}): ${f.explanation}`).join("\n");
    const own = pr.headRef.startsWith("tanuki/");
    const branch = own ? pr.headRef : `tanuki/pr-${pr.number}-fix`;
    const instructions = [
      input.instructions,
      open.length > 0 ? `Address these open review findings:\n${findings}` : undefined,
      "Make the pull request's failing checks pass.",
    ]
      .filter(Boolean)
      .join("\n\n");
    const result = await ctx.runner.fix({
      repoDir,
      task: {
        id: `${input.target.owner}/${input.target.repo}#${pr.number}-fix`,
        kind: "fix",
        repoPath: repoDir,
        baseSha: pr.headSha,
        issue: { title: pr.title, body: pr.body, url: pr.url },
        instructions,
        branchName: own ? `tanuki/work-pr-${pr.number}` : branch,
      },
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
      destination: own
        ? { kind: "push", branch }
        : { kind: "pull-request", branch, base: pr.headRef, requester: input.requester },
      signal,
    });
  };
}
