import type { RepoConfig } from "../../config/repo-config.js";
import { tanukiBranch } from "../../core/branch-names.js";
import type { GitHubPort, PullRequestInfo } from "../../github/github-port.js";
import { MAX_BODY_CHARS } from "../../intake/sanitize.js";
import type { JobsContext } from "../jobs-context.js";
import type { JobArgs, JobOutcome } from "../lifecycle/job-lifecycle.js";
import { jobKey, type RepoTarget } from "../repo-target.js";
import { type FailingChecksBrief, failingChecksBrief } from "./failing-checks-brief.js";
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
 * `/tanuki fix` on a pull request: address the open review findings (from the job store), the failing checks of
 * the head commit (their names and log tails go into the task's description, ahead of the pull request's own, so
 * the engine's size cap on the description cuts the latter first) and the requester's instructions, starting from
 * the head commit. On Tanuki's own `tanuki/*` branch the fix is pushed onto it;
 * on another branch of the same repository it becomes a follow-up pull request into that branch.
 */
export function fixPrJob(ctx: JobsContext, input: FixPrInput) {
  return async (args: JobArgs): Promise<JobOutcome> => {
    const { pr } = input;
    const open = (await ctx.store.getReviewState(jobKey(input.target, pr.number)))?.openFindings ?? [];
    const findings = open.map((f) => `- ${f.file}:${f.line} (${f.severity}): ${f.explanation}`).join("\n");
    const failing = await failingChecksOf(ctx, args.github, input);
    const own = pr.headRef.startsWith("tanuki/");
    const branch = own ? pr.headRef : tanukiBranch.pullRequestFix(pr.number);
    const instructions = [
      input.instructions,
      open.length > 0 ? `Address these open review findings:\n${findings}` : undefined,
      failing
        ? `Make the pull request's failing checks pass (${failing.names.length} failing; their logs are in the description).`
        : "Make the pull request's failing checks pass.",
    ]
      .filter(Boolean)
      .join("\n\n");
    return fixAndPublish(ctx, args, {
      target: input.target,
      config: input.config,
      sha: pr.headSha,
      task: {
        id: `${input.target.owner}/${input.target.repo}#${pr.number}-fix`,
        issue: {
          title: pr.title,
          body: failing ? `${failing.text}\n\n## Pull request description\n\n${pr.body}` : pr.body,
          url: pr.url,
        },
        instructions,
        branchName: own ? tanukiBranch.work(`pr-${pr.number}`) : branch,
      },
      destination: own
        ? { kind: "push", branch }
        : { kind: "pull-request", branch, base: pr.headRef, requester: input.requester },
    });
  };
}

/**
 * The failing checks of the pull request's head commit, or undefined when none failed. A listing GitHub refuses
 * (a token without `checks: read`) leaves them out with a warning instead of failing the fix. The logs get the part
 * of the description cap the pull request's body leaves, and at least half of it.
 */
async function failingChecksOf(
  ctx: JobsContext,
  github: GitHubPort,
  input: FixPrInput,
): Promise<FailingChecksBrief | undefined> {
  const maxChars = Math.max(MAX_BODY_CHARS / 2, MAX_BODY_CHARS - input.pr.body.length - 64);
  try {
    return await failingChecksBrief(github, input.pr.headSha, {
      ignore: input.config.failingChecks.ignoreChecks,
      maxChars,
    });
  } catch (err) {
    ctx.log.warn({ err, pr: input.pr.number }, "fix on a pull request: failing checks could not be listed");
    return undefined;
  }
}
