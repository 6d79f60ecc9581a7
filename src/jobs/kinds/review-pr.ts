import { type RepoConfig, toRunConfig } from "../../config/repo-config.js";
import type { Finding } from "../../core/finding.js";
import { describeTestCounts, testsPassed } from "../../core/test-report.js";
import { commentableLines, filterDiff } from "../../diff/unified-diff.js";
import { findingsToAnnotations } from "../../github/check-run-output.js";
import type { PullRequestInfo } from "../../github/github-port.js";
import { buildReview, countBySeverity, fingerprintFinding } from "../../github/review-comments.js";
import type { JobsContext } from "../jobs-context.js";
import type { JobArgs, JobOutcome } from "../lifecycle/job-lifecycle.js";
import { jobKey, type RepoTarget } from "../repo-target.js";
import { cloneForJob } from "./clone-for-job.js";

/** What a review needs from the webhook. */
export interface ReviewInput {
  target: RepoTarget;
  pr: PullRequestInfo;
  config: RepoConfig;
}

/**
 * The review job: clone the head (and base), review only what changed since the last reviewed SHA (the whole
 * pull request the first time), post ONE review with inline comments for findings not posted before, and record
 * the reviewed SHA and fingerprints in the job store (and in the review's hidden marker).
 */
export function reviewPrJob(ctx: JobsContext, input: ReviewInput) {
  return async (args: JobArgs): Promise<JobOutcome> => {
    const { signal, reporter, github } = args;
    const { pr, config } = input;
    const key = jobKey(input.target, pr.number);
    const previous = await ctx.store.getReviewState(key);
    if (previous?.lastReviewedSha === pr.headSha) {
      return {
        state: "succeeded",
        details: [`${pr.headSha.slice(0, 7)} was already reviewed.`],
        check: { conclusion: "success" },
      };
    }
    const { repoDir, remote } = await cloneForJob(ctx, input.target, args, pr.headSha, [pr.baseSha]);
    let since = pr.baseSha;
    let incremental = false;
    if (previous && (await ctx.git.fetch(repoDir, remote, [previous.lastReviewedSha], signal)).length === 1) {
      if (await ctx.git.isAncestor(repoDir, previous.lastReviewedSha, pr.headSha)) {
        since = previous.lastReviewedSha;
        incremental = true;
      }
    }
    const fullDiff = filterDiff(
      await ctx.git.diff(repoDir, pr.baseSha, pr.headSha, true),
      config.autoReview.ignorePaths,
    );
    const toReview = incremental
      ? filterDiff(await ctx.git.diff(repoDir, since, pr.headSha), config.autoReview.ignorePaths)
      : fullDiff;
    if (toReview.diff.trim() === "") {
      await ctx.store.putReviewState(key, {
        lastReviewedSha: pr.headSha,
        fingerprints: previous?.fingerprints ?? [],
        openFindings: previous?.openFindings ?? [],
      });
      return { state: "succeeded", details: ["Nothing to review in this change."], check: { conclusion: "success" } };
    }
    const review = await ctx.runner.review({
      id: args.record.id,
      repository: `${input.target.owner}/${input.target.repo}`,
      repoDir,
      baseSha: since,
      headSha: pr.headSha,
      diff: toReview.diff,
      config: toRunConfig(config, ctx.settings.runConfig),
      models: config.models,
      onEvent: reporter.onEvent,
      signal,
    });
    if (signal.aborted) throw signal.reason;
    const tests = review.tests;
    const testsText = tests
      ? `Tests (\`${tests.command}\`): ${testsPassed(tests) ? "passed" : "failed"}` +
        (tests.passed !== undefined || tests.failed !== undefined ? ` (${describeTestCounts(tests)})` : "")
      : undefined;
    const built = buildReview({
      findings: review.findings,
      lines: commentableLines(fullDiff.diff),
      alreadyPosted: new Set(previous?.fingerprints ?? []),
      headSha: pr.headSha,
      summary: review.summary,
      extra: testsText,
    });
    const newFindings = review.findings.filter((f) => built.posted.includes(fingerprintFinding(f)));
    let reviewUrl: string | undefined;
    if (built.posted.length > 0 || !previous) {
      reviewUrl = (
        await github.createReview(pr.number, { commitId: pr.headSha, body: built.body, comments: built.comments })
      ).url;
    }
    await ctx.store.putReviewState(key, {
      lastReviewedSha: pr.headSha,
      fingerprints: [...(previous?.fingerprints ?? []), ...built.posted],
      openFindings: mergeOpen(previous?.openFindings ?? [], newFindings),
    });
    const blocking = review.findings.some((f) => f.severity === "blocking" && f.resolved !== true);
    const scope = incremental ? `changes since ${since.slice(0, 7)}` : "the whole pull request";
    return {
      state: "succeeded",
      details: [
        `Reviewed ${scope}: ${countBySeverity(newFindings)} new finding(s)${built.duplicates ? `, ${built.duplicates} already reported` : ""}.` +
          (reviewUrl ? ` [Review](${reviewUrl})` : ""),
        ...(testsText ? [testsText] : []),
      ],
      check: {
        conclusion: blocking || (tests && !testsPassed(tests)) ? "failure" : "success",
        annotations: findingsToAnnotations(newFindings),
      },
    };
  };
}

/** Open findings after a review: earlier ones plus the new ones (by fingerprint), capped at 100. */
function mergeOpen(earlier: Finding[], added: Finding[]): Finding[] {
  const seen = new Set(earlier.map(fingerprintFinding));
  return [...earlier, ...added.filter((f) => !seen.has(fingerprintFinding(f)))].slice(-100);
}
