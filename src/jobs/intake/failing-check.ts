import { CHECK_RUN_NAME } from "../../github/github-port.js";
import type { JobsContext } from "../jobs-context.js";
import { failingCheckJob } from "../kinds/failing-check.js";
import { startedResult, startJob } from "../lifecycle/job-lifecycle.js";
import type { RepoTarget } from "../repo-target.js";
import { type IntakeResult, ignored } from "./intake-result.js";
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
 * @returns what was done (see {@link IntakeResult})
 * @throws GitHubError when GitHub finally fails
 */
export async function handleFailingCheck(ctx: JobsContext, input: FailingCheckEventInput): Promise<IntakeResult> {
  const { target, pr, check } = input;
  if (check.name === CHECK_RUN_NAME) return ignored("Tanuki's own check run");
  const identity = `${target.owner}/${target.repo}#${pr.number}@${pr.headSha}:${check.jobId ?? check.name}`;
  if (!(await ctx.store.claimOnce("failing-check", identity))) return ignored("this failure was already analysed");
  const github = await ctx.github(target.installationId, target.owner, target.repo);
  const result = await repoConfigAt(github, pr.baseSha, ctx.settings.configPath);
  if (!result.ok) {
    ctx.log.warn({ issues: result.issues }, "failing check ignored: invalid .github/tanuki.yml");
    return { kind: "rejected", reason: result.issues.join("; ") };
  }
  const own = pr.sameRepo && pr.headRef.startsWith("tanuki/");
  if (result.config.failingChecks.ignoreChecks.includes(check.name)) return ignored(`check ${check.name} is ignored`);
  if (!own && result.config.failingChecks.policy === "off") return ignored("failing checks are off");
  // Forks' pull requests are not listed on check events; a same-repository branch was pushed by a writer.
  if (!pr.sameRepo) return ignored("pull request from a fork");
  const started = await startJob(
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
      dispatch: { command: "check", checkName: check.name, checkJobId: check.jobId },
    },
    failingCheckJob(ctx, { target, pr, check, config: result.config }),
  );
  return startedResult(started) ?? { kind: "busy", reason: "a job is already running on this pull request" };
}
