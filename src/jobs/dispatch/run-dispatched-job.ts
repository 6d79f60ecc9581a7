import { z } from "zod";
import type { RepoConfig } from "../../config/repo-config.js";
import { ConfigError } from "../../core/errors.js";
import type { GitHubPort, PullRequestInfo } from "../../github/github-port.js";
import { FORK_FIX_REFUSAL, handleCommentCommand } from "../intake/comment-command.js";
import { type EventPayload, targetOf } from "../intake/event-inputs.js";
import { handleFailingCheck } from "../intake/failing-check.js";
import type { IntakeResult } from "../intake/intake-result.js";
import { hasPermission, isBot } from "../intake/permission.js";
import { configProblemText, notAllowedText, repoConfigAt } from "../intake/repo-config-at.js";
import type { JobsContext } from "../jobs-context.js";
import { failingCheckJob } from "../kinds/failing-check.js";
import { fixIssueJob } from "../kinds/fix-issue.js";
import { fixPrJob } from "../kinds/fix-pr.js";
import { reviewPrJob } from "../kinds/review-pr.js";
import { noteWhenHeadMoved, type PinnedHeadCommand } from "../lifecycle/head-moved.js";
import {
  type ExistingReport,
  type JobArgs,
  type JobOutcome,
  type JobSpec,
  startedResult,
  startJob,
} from "../lifecycle/job-lifecycle.js";
import { reportJobEnd } from "../lifecycle/job-report.js";
import { isSameRepo, type RepoTarget } from "../repo-target.js";
import type { DispatchInputs } from "./dispatch-inputs.js";

/** The runner this Action runs on, for the status comment. */
export interface RunnerInfo {
  name?: string;
  /** Web page of this workflow run. */
  runUrl?: string;
}

const id = z
  .string()
  .regex(/^\d+$/, "expected a number")
  .transform(Number)
  .optional()
  .or(z.literal("").transform(() => undefined));
const text = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined));

/** `workflow_dispatch` inputs of a Tanuki job (see {@link DispatchInputs}); empty strings are absent values. */
export const DispatchedJobInputs = z.object({
  "job-id": z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only")
    .optional()
    .transform((v) => v || undefined),
  command: z.enum(["fix", "review", "check"]),
  number: z.string().regex(/^\d+$/, "expected an issue or pull request number").transform(Number),
  sha: z
    .string()
    .regex(/^([0-9a-f]{40}|)$/, "expected a full commit SHA")
    .optional()
    .transform((v) => v || undefined),
  "status-comment-id": id,
  "check-run-id": id,
  instructions: text,
  requester: text,
  "check-name": text,
  "check-job-id": id,
});
export type DispatchedJobInputs = z.infer<typeof DispatchedJobInputs>;

/**
 * A `workflow_dispatch` run. Started by the App (`job-id` set): the job it accepted is redone here with the same
 * id, reporting into the App's status comment and check run. Started by a person from the Actions tab (no
 * `job-id`): it behaves as the same `/tanuki` command commented by that person (permission gate included).
 *
 * The permission gate applies to the requester the App names, or to the person who started the workflow.
 *
 * @throws ConfigError when the inputs are invalid; GitHubError when GitHub finally fails
 */
export async function runDispatchedJob(
  ctx: JobsContext,
  payload: EventPayload<"workflow_dispatch">,
  runner: RunnerInfo,
): Promise<IntakeResult> {
  const parsed = DispatchedJobInputs.safeParse(payload.inputs ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid workflow_dispatch inputs:\n  ${issues.join("\n  ")}`, issues);
  }
  const inputs = parsed.data;
  const target = targetOf(payload);
  const github = await ctx.github(target.installationId, target.owner, target.repo);
  const sender = payload.sender?.login ?? "";
  if (!inputs["job-id"]) return runByHand(ctx, github, target, inputs, sender);

  const user = !isBot(payload.sender) ? sender : (inputs.requester ?? sender);
  const check = inputs["check-run-id"] !== undefined ? await github.getCheckRun(inputs["check-run-id"]) : undefined;
  const existing: ExistingReport = {
    jobId: inputs["job-id"],
    statusCommentId: inputs["status-comment-id"],
    checkRunId: inputs["check-run-id"],
    checkRunUrl: check?.url,
    details: [
      `Running on the self-hosted runner${runner.name ? ` \`${runner.name.replace(/`/g, "")}\`` : ""}${runner.runUrl ? ` ([workflow run](${runner.runUrl}))` : ""}.`,
    ],
  };
  const issue = await github.getIssue(inputs.number);
  const pr = issue.isPullRequest ? await github.getPullRequest(inputs.number) : undefined;
  const sha = inputs.sha ?? pr?.headSha ?? (await github.getBranchSha(target.defaultBranch));
  const config = await repoConfigAt(github, pr?.baseSha ?? sha, ctx.settings.configPath);
  const minimum = config.ok ? config.config.minPermission : "write";
  const reject = (detail: string) =>
    reportJobEnd(
      github,
      { ...existing, id: existing.jobId, title: `${inputs.command} #${inputs.number}` },
      { state: "rejected", detail, conclusion: "failure", checkTitle: "Tanuki: not started" },
      ctx.scheduler.now(),
    );
  if (!hasPermission(await github.getPermission(user), minimum)) {
    await reject(notAllowedText(user, minimum));
    return { kind: "refused", reason: `@${user} lacks ${minimum} permission` };
  }
  if (!config.ok) {
    await reject(configProblemText(config.issues, pr?.baseSha ?? sha));
    return { kind: "rejected", reason: config.issues.join("; ") };
  }
  const job = jobFor(ctx, target, inputs, config.config, sha, issue, pr, user);
  if (typeof job === "string") {
    await reject(job);
    return { kind: "answered", reason: job };
  }
  // A command's job (it has a status comment) on a pull request says when the head moved after it was pinned.
  const work =
    pr && job.pinned && inputs["status-comment-id"] !== undefined
      ? noteWhenHeadMoved(ctx, { number: pr.number, sha, command: job.pinned }, job.work)
      : job.work;
  const spec: JobSpec = {
    ...job.spec,
    target,
    number: inputs.number,
    sha,
    requester: user,
    statusComment: inputs["status-comment-id"] !== undefined,
    whenBusy: "wait",
    existing,
  };
  return startedResult(await startJob(ctx, github, spec, work)) ?? { kind: "busy", reason: "busy" };
}

type Work = (args: JobArgs) => Promise<JobOutcome>;

/** The App's job function for a dispatched command, or why it cannot run. */
function jobFor(
  ctx: JobsContext,
  target: RepoTarget,
  inputs: DispatchedJobInputs,
  config: RepoConfig,
  sha: string,
  issue: { number: number; title: string; body: string; url: string },
  pr: PullRequestInfo | undefined,
  requester: string,
): { spec: Pick<JobSpec, "kind" | "title">; work: Work; pinned?: PinnedHeadCommand } | string {
  const { instructions } = inputs;
  if (!pr) {
    if (inputs.command !== "fix") return `\`${inputs.command}\` needs a pull request; #${issue.number} is an issue.`;
    const { number, title, body, url } = issue;
    return {
      spec: { kind: "fix-issue", title: `Fix for #${number}` },
      work: fixIssueJob(ctx, { target, issue: { number, title, body, url }, instructions, requester, sha, config }),
    };
  }
  const pinned = { ...pr, headSha: sha };
  const sameRepo = isSameRepo(target, pr);
  if (inputs.command === "review") {
    return {
      spec: { kind: "review", title: `Review of ${sha.slice(0, 7)}` },
      work: reviewPrJob(ctx, { target, pr: pinned, config }),
      pinned: "review",
    };
  }
  if (inputs.command === "check") {
    const name = inputs["check-name"];
    if (!name) return "The `check` command needs the `check-name` input.";
    return {
      spec: { kind: "failing-check", title: `Analysis of failing check ${name}` },
      work: failingCheckJob(ctx, {
        target,
        pr: { number: pr.number, headSha: sha, headRef: pr.headRef, sameRepo },
        check: { name, ...(inputs["check-job-id"] !== undefined ? { jobId: inputs["check-job-id"] } : {}) },
        config,
      }),
    };
  }
  if (!sameRepo) return FORK_FIX_REFUSAL;
  return {
    spec: { kind: "fix-pr", title: `Fix of #${pr.number}` },
    work: fixPrJob(ctx, { target, pr: pinned, instructions, requester, config }),
    pinned: "fix",
  };
}

/** A workflow started by hand: the same as the command commented by the person who started it. */
async function runByHand(
  ctx: JobsContext,
  github: GitHubPort,
  target: RepoTarget,
  inputs: DispatchedJobInputs,
  user: string,
): Promise<IntakeResult> {
  const issue = await github.getIssue(inputs.number);
  if (inputs.command === "check") {
    const name = inputs["check-name"];
    if (!name || !issue.isPullRequest) {
      throw new ConfigError("The `check` command needs a pull request number and the `check-name` input.");
    }
    const pr = await github.getPullRequest(inputs.number);
    return handleFailingCheck(ctx, {
      target,
      pr: {
        number: pr.number,
        headSha: inputs.sha ?? pr.headSha,
        headRef: pr.headRef,
        baseSha: pr.baseSha,
        sameRepo: isSameRepo(target, pr),
      },
      check: { name, ...(inputs["check-job-id"] !== undefined ? { jobId: inputs["check-job-id"] } : {}) },
    });
  }
  return handleCommentCommand(ctx, {
    target,
    number: inputs.number,
    isPullRequest: issue.isPullRequest,
    user,
    command:
      inputs.command === "review"
        ? { kind: "review" }
        : inputs.instructions
          ? { kind: "fix", instructions: inputs.instructions }
          : { kind: "fix" },
    issue,
  });
}
