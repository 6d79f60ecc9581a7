import { CHECK_RUN_NAME } from "../../github/octokit-github.js";
import type { AppContext, RepoTarget } from "../app-context.js";
import { startJob } from "../job-lifecycle.js";
import { failingCheckJob } from "../jobs/failing-check.js";
import { repoConfigAt } from "./repo-config-at.js";

/** A failed check on a pull request (from `check_run` or one failed job of a `workflow_run`). */
export interface FailingCheckEventInput {
  target: RepoTarget;
  pr: { number: number; headSha: string; headRef: string; baseSha: string; sameRepo: boolean };
  check: { name: string; jobId?: number; outputText?: string };
}

/**
 * Analyse a failing check once per (pull request, commit, check): a `check_run` of an Actions job and the failed
 * job of its `workflow_run` are the same failure and run once. Tanuki's own check run is never analysed.
 * @throws GitHubError when GitHub finally fails
 */
export async function handleFailingCheck(ctx: AppContext, input: FailingCheckEventInput): Promise<void> {
  const { target, pr, check } = input;
  if (check.name === CHECK_RUN_NAME) return;
  const identity = `${target.owner}/${target.repo}#${pr.number}@${pr.headSha}:${check.jobId ?? check.name}`;
  if (!(await ctx.store.claimOnce("failing-check", identity))) return;
  const github = await ctx.github(target.installationId, target.owner, target.repo);
  const result = await repoConfigAt(github, pr.baseSha);
  if (!result.ok) {
    ctx.log.warn({ issues: result.issues }, "failing check ignored: invalid .github/tanuki.yml");
    return;
  }
  const own = pr.sameRepo && pr.headRef.startsWith("tanuki/");
  if (result.config.failingChecks.ignoreChecks.includes(check.name)) return;
  if (!own && result.config.failingChecks.policy === "off") return;
  // Forks' pull requests are not listed on check events; a same-repository branch was pushed by a writer.
  if (!pr.sameRepo) return;
  await startJob(
    ctx,
    github,
    {
      kind: "failing-check",
      target,
      number: pr.number,
      sha: pr.headSha,
      title: `Analysis of failing check ${check.name}`,
      statusComment: false,
      whenBusy: "wait",
    },
    failingCheckJob(ctx, { target, pr, check, config: result.config }),
  );
}
