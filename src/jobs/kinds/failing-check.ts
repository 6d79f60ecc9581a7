import { type RepoConfig, toRunConfig } from "../../config/repo-config.js";
import { tanukiBranch } from "../../core/branch-names.js";
import type { RootCauseAnalysis } from "../../core/finding.js";
import type { FailedCheck } from "../../github/github-port.js";
import { repositoryUrlOf } from "../../github/status-comment.js";
import { inertInline, inertMarkdown } from "../../intake/inert-markdown.js";
import { codeSpan } from "../../intake/inert-text.js";
import type { JobsContext } from "../jobs-context.js";
import type { JobArgs, JobOutcome } from "../lifecycle/job-lifecycle.js";
import type { RepoTarget } from "../repo-target.js";
import { cloneForJob } from "./clone-for-job.js";
import { failingLogTail } from "./failing-log.js";
import { publishFix } from "./publish-fix.js";

/** A failing check on a pull request, as the webhook describes it. */
export interface FailingCheckInput {
  target: RepoTarget;
  pr: { number: number; headSha: string; headRef: string; sameRepo: boolean };
  check: FailedCheck;
  config: RepoConfig;
}

/** Whether the failing-check job also tries a fix, and how it publishes it. */
export function failingCheckMode(input: FailingCheckInput, fixAttemptsSoFar: number): "comment" | "push" | "follow-up" {
  const own = input.pr.sameRepo && input.pr.headRef.startsWith("tanuki/");
  if (fixAttemptsSoFar >= input.config.failingChecks.maxFixAttempts) return "comment";
  if (own) return "push";
  return input.config.failingChecks.policy === "fix" && input.pr.sameRepo ? "follow-up" : "comment";
}

/**
 * The failing-check job: fetch the failing log, run root-cause analysis on it (no clone: the log is all it reads)
 * and post it as a comment; then, when the repository asks for a fix, clone and repair: on Tanuki's own
 * `tanuki/*` branches push a fix commit (bounded attempts per branch); elsewhere, with policy `fix`, open a
 * follow-up pull request into the pull request's branch.
 */
export function failingCheckJob(ctx: JobsContext, input: FailingCheckInput) {
  return async (args: JobArgs): Promise<JobOutcome> => {
    const { signal, reporter, github } = args;
    const log = await failingLogTail(github, input.check);
    const config = toRunConfig(input.config, ctx.settings.runConfig);
    const rca = await ctx.runner.analyzeFailure({
      id: args.record.id,
      log,
      checkName: input.check.name,
      config,
      models: input.config.models,
      onEvent: reporter.onEvent,
      signal,
    });
    const comment = await github.createComment(input.pr.number, renderRca(input.check.name, input.pr.headSha, rca));
    const counter = `fix-attempts:${input.target.owner}/${input.target.repo}:${input.pr.headRef}`;
    const mode = failingCheckMode(input, await ctx.store.increment(counter, 0));
    if (mode === "comment") {
      return {
        state: "succeeded",
        details: [`Root-cause analysis posted: ${rca.rootCause}`],
        check: { conclusion: "neutral" },
      };
    }
    await ctx.store.increment(counter);
    const { repoDir, remote } = await cloneForJob(ctx, input.target, args, input.pr.headSha);
    const branch = mode === "push" ? input.pr.headRef : tanukiBranch.checkFix(input.pr.number, input.check.name);
    const result = await ctx.runner.fixFailure({
      repoDir,
      task: {
        id: `${input.target.owner}/${input.target.repo}#${input.pr.number}-check`,
        kind: "fix",
        repoPath: repoDir,
        baseSha: input.pr.headSha,
        repository: `${input.target.owner}/${input.target.repo}`,
        // The runner adds the analysis and the log's tail (failureRepairTask): once, not here as well.
        issue: { title: `Failing check: ${input.check.name}`, body: "" },
        branchName: mode === "push" ? tanukiBranch.work(input.check.name) : branch,
      },
      log,
      checkName: input.check.name,
      rca,
      config,
      models: input.config.models,
      onEvent: reporter.onEvent,
      signal,
    });
    const outcome = await publishFix({
      github,
      git: ctx.git,
      result,
      repoDir,
      remoteUrl: remote.url,
      destination:
        mode === "push" ? { kind: "push", branch } : { kind: "pull-request", branch, base: input.pr.headRef },
      signal,
    });
    await github.updateComment(
      comment.id,
      `${renderRca(input.check.name, input.pr.headSha, rca)}\n\n**Fix:** ${outcome.details
        .map((detail) => inertMarkdown(detail, { allowLinksUnder: repositoryUrlOf(comment.url) }))
        .join("\n\n")}`,
    );
    return outcome;
  };
}

/** Markdown of the root-cause analysis comment; the analysis is model text, rendered inert. */
export function renderRca(checkName: string, sha: string, rca: RootCauseAnalysis): string {
  return [
    `### 🦝 Tanuki: why ${codeSpan(checkName)} failed on ${sha.slice(0, 7)}`,
    `**Symptom:** ${inertInline(rca.symptom)}`,
    rca.whys.map((why, i) => `${i + 1}. Why? ${inertInline(why)}`).join("\n"),
    `**Root cause:** ${inertInline(rca.rootCause)}`,
    `**Suggested fix:** ${inertInline(rca.nextAttemptAdvice)}`,
  ].join("\n\n");
}
