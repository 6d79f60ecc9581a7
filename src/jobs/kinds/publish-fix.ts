import { type RepoConfig, toRunConfig } from "../../config/repo-config.js";
import { fencedCodeBlock } from "../../core/markdown.js";
import type { RunResult } from "../../core/run-result.js";
import type { Task } from "../../core/task.js";
import { describeTestCounts, testsPassed } from "../../core/test-report.js";
import { findingsToAnnotations } from "../../github/check-run-output.js";
import type { GitRemotePort } from "../../github/git-remote-port.js";
import type { GitHubPort } from "../../github/github-port.js";
import type { JobsContext } from "../jobs-context.js";
import type { JobArgs, JobOutcome } from "../lifecycle/job-lifecycle.js";
import type { RepoTarget } from "../repo-target.js";
import { cloneForJob } from "./clone-for-job.js";

/** Where a fix result goes: a new pull request, or a commit on an existing `tanuki/...` branch. */
export type FixDestination =
  | { kind: "pull-request"; branch: string; base: string; requester?: string }
  | { kind: "push"; branch: string };

/** Inputs of {@link publishFix}. */
export interface PublishFixInput {
  github: GitHubPort;
  git: GitRemotePort;
  result: RunResult;
  repoDir: string;
  remoteUrl: string;
  destination: FixDestination;
  signal: AbortSignal;
}

/**
 * Publish a run's result: push its branch with a fresh installation token, then open the pull request from the
 * engine's title/body (draft when the engine says so or when the run did not end `fixed`) and ask the requester
 * for review; or push a commit onto an existing Tanuki branch. Runs without a result explain what was tried.
 *
 * @throws GitError / GitHubError when pushing or opening the pull request fails
 */
export async function publishFix(input: PublishFixInput): Promise<JobOutcome> {
  const { github, result, destination } = input;
  const annotations = findingsToAnnotations(result.findings);
  if (result.outcome === "cancelled") {
    return { state: "cancelled", details: [`Cancelled: ${result.reason}`], check: { conclusion: "cancelled" } };
  }
  if (!result.headSha || !result.branch || (destination.kind === "pull-request" && !result.pullRequest)) {
    return { state: "failed", details: explainFailure(result), check: { conclusion: "failure", annotations } };
  }
  await input.git.push({
    remote: { url: input.remoteUrl, token: await github.installationToken() },
    repoDir: input.repoDir,
    sha: result.headSha,
    branch: destination.branch,
    // A new pull request's branch is Tanuki's own and is replaced; an existing branch only moves forward.
    force: destination.kind === "pull-request",
    signal: input.signal,
  });
  if (destination.kind === "push") {
    return {
      state: result.outcome === "fixed" ? "succeeded" : "failed",
      details: [
        `Pushed ${result.headSha.slice(0, 7)} to \`${destination.branch}\`: ${result.reason}`,
        ...testLine(result),
      ],
      check: { conclusion: result.outcome === "fixed" ? "success" : "neutral", annotations },
      pushed: result.headSha,
    };
  }
  const draftPr = result.pullRequest as NonNullable<RunResult["pullRequest"]>;
  const draft = draftPr.draft || result.outcome !== "fixed";
  const pr = await github.createPullRequest({
    title: draftPr.title,
    body: draftPr.body,
    head: destination.branch,
    base: destination.base,
    draft,
  });
  if (destination.requester) await github.requestReviewers(pr.number, [destination.requester]);
  return {
    state: "succeeded",
    details: [
      `Opened ${draft ? "draft " : ""}pull request [#${pr.number}](${pr.url}) from \`${destination.branch}\`: ${result.reason}`,
      ...testLine(result),
    ],
    check: { conclusion: draft ? "neutral" : "success", annotations },
  };
}

/** What {@link fixAndPublish} needs: the repository and its config, the commit to start from, the task, where its result goes. */
export interface FixAndPublishInput {
  target: RepoTarget;
  config: RepoConfig;
  /** Commit the fix starts from (the task's `baseSha`). */
  sha: string;
  task: Pick<Task, "id" | "issue" | "instructions" | "branchName">;
  destination: FixDestination;
}

/**
 * The body of a fix job: clone the repository at `sha`, run the engine's fix on the task and publish its result
 * (see {@link publishFix}).
 *
 * @throws GitError / GitHubError when cloning, pushing or opening the pull request fails
 */
export async function fixAndPublish(ctx: JobsContext, args: JobArgs, input: FixAndPublishInput): Promise<JobOutcome> {
  const { signal, github } = args;
  const { repoDir, remote } = await cloneForJob(ctx, input.target, args, input.sha);
  const result = await ctx.runner.fix({
    repoDir,
    task: {
      ...input.task,
      kind: "fix",
      repoPath: repoDir,
      repository: `${input.target.owner}/${input.target.repo}`,
      baseSha: input.sha,
    },
    config: toRunConfig(input.config, ctx.settings.runConfig),
    models: input.config.models,
    onEvent: args.reporter.onEvent,
    signal,
  });
  return publishFix({
    github,
    git: ctx.git,
    result,
    repoDir,
    remoteUrl: remote.url,
    destination: input.destination,
    signal,
  });
}

/** A clear failure explanation: why, and what each attempt tried. */
export function explainFailure(result: RunResult): string[] {
  const lines = [`Tanuki could not produce a fix (${result.outcome}): ${result.reason}`];
  if (result.error) lines.push(`Error: \`${result.error.message.replace(/`/g, "'")}\``);
  lines.push(...environmentFailure(result));
  if (result.attempts.length > 0) {
    lines.push(
      [
        "What was tried:",
        ...result.attempts.map((a) => {
          const tests = a.tests
            ? `, tests exit ${a.tests.exitCode}${a.tests.failed !== undefined ? ` (${a.tests.failed} failed)` : ""}`
            : "";
          return `- attempt ${a.attempt}: ${a.edits.length} edit(s)${tests}${a.failureReason ? `: ${a.failureReason}` : ""}`;
        }),
      ].join("\n"),
    );
  }
  const rca = result.rcas.at(-1);
  if (rca) lines.push(`Root cause (attempt ${rca.attempt}): ${rca.rootCause}\n\nNext step: ${rca.nextAttemptAdvice}`);
  return lines;
}

/** The failing install command and the tail of its log, when the environment could not be built. */
function environmentFailure(result: RunResult): string[] {
  const env = result.environment;
  if (env?.status !== "failed") return [];
  const lines: string[] = [];
  if (env.command) lines.push(`Setup command: \`${env.command.replace(/`/g, "'").replace(/\s*\n\s*/g, " ")}\``);
  if (env.logTail) lines.push(fencedCodeBlock(env.logTail, "text"));
  return lines;
}

function testLine(result: RunResult): string[] {
  if (!result.tests) return [];
  const { before, after } = result.tests;
  return [
    `Tests: before ${describeTestCounts(before)}; after ${describeTestCounts(after)}${testsPassed(after) ? " ✅" : ""}`,
  ];
}
