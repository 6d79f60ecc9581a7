import type { RepoConfig } from "../../config/repo-config.js";
import { tanukiBranch } from "../../core/branch-names.js";
import type { JobsContext } from "../jobs-context.js";
import type { JobArgs, JobOutcome } from "../lifecycle/job-lifecycle.js";
import type { RepoTarget } from "../repo-target.js";
import { fixAndPublish } from "./publish-fix.js";

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

/**
 * The fix-issue job: clone at the pinned SHA, run the engine, push `tanuki/issue-<n>-<slug>` and open the pull
 * request into the default branch, asking the requester for review.
 */
export function fixIssueJob(ctx: JobsContext, input: FixIssueInput) {
  return async (args: JobArgs): Promise<JobOutcome> => {
    const branch = tanukiBranch.issue(input.issue);
    return fixAndPublish(ctx, args, {
      target: input.target,
      config: input.config,
      sha: input.sha,
      task: {
        id: `${input.target.owner}/${input.target.repo}#${input.issue.number}`,
        issue: { ...input.issue },
        ...(input.instructions ? { instructions: input.instructions } : {}),
        branchName: branch,
      },
      destination: { kind: "pull-request", branch, base: input.target.defaultBranch, requester: input.requester },
    });
  };
}
