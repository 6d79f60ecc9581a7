import type { RepoConfig } from "../../config/repo-config.js";
import type { PullRequestInfo } from "../../github/github-port.js";
import { type AppContext, jobKey, type RepoTarget } from "../app-context.js";
import type { JobArgs, JobOutcome } from "../job-lifecycle.js";
import { fixAndPublish } from "./publish-fix.js";

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
  return async (args: JobArgs): Promise<JobOutcome> => {
    const { pr } = input;
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
    return fixAndPublish(ctx, args, {
      target: input.target,
      config: input.config,
      sha: pr.headSha,
      task: {
        id: `${input.target.owner}/${input.target.repo}#${pr.number}-fix`,
        issue: { title: pr.title, body: pr.body, url: pr.url },
        instructions,
        branchName: own ? `tanuki/work-pr-${pr.number}` : branch,
      },
      destination: own
        ? { kind: "push", branch }
        : { kind: "pull-request", branch, base: pr.headRef, requester: input.requester },
    });
  };
}
