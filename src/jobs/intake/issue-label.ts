import type { JobsContext } from "../jobs-context.js";
import { fixIssueJob } from "../kinds/fix-issue.js";
import { startedResult, startJob } from "../lifecycle/job-lifecycle.js";
import type { RepoTarget } from "../repo-target.js";
import { type IntakeResult, ignored } from "./intake-result.js";
import { hasPermission } from "./permission.js";
import { configProblemText, notAllowedText, repoConfigAt } from "./repo-config-at.js";

/** A label added to an issue by a human. */
export interface IssueLabelInput {
  target: RepoTarget;
  label: string;
  user: string;
  issue: { number: number; title: string; body: string; url: string };
}

/**
 * Adding the configured label (default `tanuki`) to an issue starts a fix, like `/tanuki fix`. Other labels are
 * ignored after one config read.
 * @returns what was done (see {@link IntakeResult})
 * @throws GitHubError when GitHub finally fails
 */
export async function handleIssueLabel(ctx: JobsContext, input: IssueLabelInput): Promise<IntakeResult> {
  const { target } = input;
  const github = await ctx.github(target.installationId, target.owner, target.repo);
  const sha = await github.getBranchSha(target.defaultBranch);
  const result = await repoConfigAt(github, sha, ctx.settings.configPath);
  const label = result.ok ? result.config.label : "tanuki";
  if (input.label !== label || (result.ok && !result.config.triggers.issueLabel)) {
    return ignored(`label "${input.label}" does not start a fix`);
  }
  const minimum = result.ok ? result.config.minPermission : "write";
  if (!hasPermission(await github.getPermission(input.user), minimum)) {
    await github.createComment(input.issue.number, notAllowedText(input.user, minimum));
    return { kind: "refused", reason: `@${input.user} lacks ${minimum} permission` };
  }
  if (!result.ok) {
    await github.createComment(input.issue.number, configProblemText(result.issues, sha));
    return { kind: "rejected", reason: result.issues.join("; ") };
  }
  const job = fixIssueJob(ctx, { target, issue: input.issue, requester: input.user, sha, config: result.config });
  const started = await startJob(
    ctx,
    github,
    {
      kind: "fix-issue",
      target,
      number: input.issue.number,
      sha,
      requester: input.user,
      statusComment: true,
      title: `Fix for #${input.issue.number}`,
      dispatch: { command: "fix" },
    },
    job,
  );
  if (!started.started) {
    await github.createComment(input.issue.number, "A Tanuki job is already running on this issue.");
  }
  return startedResult(started) ?? { kind: "busy", reason: "a job is already running on this issue" };
}
