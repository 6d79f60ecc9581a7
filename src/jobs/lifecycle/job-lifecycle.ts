import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { isTanukiError } from "../../core/errors.js";
import type { CheckRunUpdate, GitHubPort } from "../../github/github-port.js";
import { type JobView, renderStatusComment } from "../../github/status-comment.js";
import type { DispatchCommand } from "../dispatch/dispatch-inputs.js";
import type { IntakeResult } from "../intake/intake-result.js";
import type { JobsContext } from "../jobs-context.js";
import { ProgressReporter } from "../progress/progress-reporter.js";
import type { QueuedJob } from "../queue/job-queue.js";
import { jobKey, type RepoTarget } from "../repo-target.js";
import type { JobKind, JobRecord } from "../store/job-store.js";

/** How a job ended, as the status comment and the check run show it. */
export interface JobOutcome {
  state: "succeeded" | "failed" | "cancelled";
  /** Markdown paragraphs for the status comment. */
  details: string[];
  check: Omit<CheckRunUpdate, "summary" | "title"> & {
    conclusion: NonNullable<CheckRunUpdate["conclusion"]>;
    summary?: string;
  };
  /** Full SHA of the commit the job itself pushed onto the pull request's branch, if it did (not a head move). */
  pushed?: string;
}

/** What a job's work function receives. */
export interface JobArgs {
  signal: AbortSignal;
  reporter: ProgressReporter;
  /** Empty folder for this job (clones go here); removed afterwards. */
  folder: string;
  github: GitHubPort;
  record: JobRecord;
}

/** What to start. */
export interface JobSpec {
  kind: JobKind;
  target: RepoTarget;
  /** Issue or pull request number. */
  number: number;
  /** Commit the check run goes on and the job works from. */
  sha: string;
  requester?: string;
  /** Shown in the status comment and the check run, e.g. `Fix for #12`. */
  title: string;
  /** Create a status comment on the issue/PR (commands); automatic jobs report on the check run only. */
  statusComment: boolean;
  whenBusy?: "refuse" | "wait";
  supersedes?: (existing: QueuedJob) => boolean;
  /** How the job is redone on the Actions runners in dispatch mode (jobs without it always run here). */
  dispatch?: DispatchCommand;
  /**
   * Report into a status comment and check run that already exist (a job the App dispatched to this runner)
   * instead of creating them; the job keeps the App's id.
   */
  existing?: ExistingReport;
}

/** The App's handles on a dispatched job, as the runner receives them. */
export interface ExistingReport {
  jobId: string;
  statusCommentId?: number;
  checkRunId?: number;
  checkRunUrl?: string;
  /** Markdown paragraphs shown while the job runs (e.g. the runner and its workflow run). */
  details?: string[];
}

/** Result of {@link startJob}: started, or refused because another job holds the issue/PR. */
export type StartResult = { started: true; jobId: string; done: Promise<void> } | { started: false; busy: QueuedJob };

/**
 * Reserve the issue/PR in the queue, create the check run (and status comment), record the job durably, and run
 * `work` when a slot is free. The job's outcome, a cancellation or a crash is written to the status comment and
 * check run; GitHub failures while reporting are logged.
 *
 * In dispatch mode (`ctx.dispatcher`), a job with `spec.dispatch` is not queued here: after the check run and
 * status comment exist it is started on the Actions runners, and the dispatch watchdog follows it. With
 * `spec.existing` (on the runner), the App's status comment and check run are reused and set running at once.
 *
 * @throws GitHubError when the check run or status comment cannot be created (nothing is queued then)
 */
export async function startJob(
  ctx: JobsContext,
  github: GitHubPort,
  spec: JobSpec,
  work: (args: JobArgs) => Promise<JobOutcome>,
): Promise<StartResult> {
  const { target } = spec;
  const key = jobKey(target, spec.number);
  const id =
    spec.existing?.jobId ??
    `${target.owner}-${target.repo}-${spec.number}-${spec.kind}-${randomBytes(4).toString("hex")}`;
  if (ctx.dispatcher && spec.dispatch && !spec.existing) {
    return dispatchJob(ctx, github, spec, id, spec.dispatch);
  }
  let ready: (value: { record: JobRecord; reporter: ProgressReporter } | undefined) => void = () => undefined;
  const prepared = new Promise<{ record: JobRecord; reporter: ProgressReporter } | undefined>((r) => {
    ready = r;
  });
  const submitted = ctx.queue.submit(
    { id, key, kind: spec.kind, sha: spec.sha },
    async (signal) => {
      const prep = await prepared;
      if (prep) await runJob(ctx, github, prep.record, prep.reporter, signal, work, spec.existing !== undefined);
    },
    { whenBusy: spec.whenBusy, supersedes: spec.supersedes },
  );
  if (!submitted.accepted) return { started: false, busy: submitted.existing };
  try {
    ready(await prepareReport(ctx, github, spec, id, key));
  } catch (err) {
    ready(undefined);
    throw err;
  }
  return { started: true, jobId: id, done: submitted.job.done };
}

/** The intake's view of a {@link StartResult}: `started`, or undefined when another job holds the issue/PR. */
export function startedResult(result: StartResult): IntakeResult | undefined {
  return result.started ? { kind: "started", jobId: result.jobId, done: result.done } : undefined;
}

/** Create (or adopt) the check run and status comment, record the job durably, and build its reporter. */
async function prepareReport(
  ctx: JobsContext,
  github: GitHubPort,
  spec: JobSpec,
  id: string,
  key: string,
  extra: Partial<JobRecord> = {},
): Promise<{ record: JobRecord; reporter: ProgressReporter }> {
  const { target, existing } = spec;
  const now = ctx.scheduler.now();
  const view: JobView = { jobId: id, title: spec.title, state: "queued", details: existing?.details ?? [] };
  const check = existing
    ? existing.checkRunId !== undefined
      ? { id: existing.checkRunId, url: existing.checkRunUrl ?? "" }
      : undefined
    : await github.createCheckRun(spec.sha, {
        status: "queued",
        title: spec.title,
        summary: renderStatusComment(view, now),
      });
  if (check?.url) view.checkRunUrl = check.url;
  const comment = existing
    ? existing.statusCommentId !== undefined
      ? { id: existing.statusCommentId }
      : undefined
    : spec.statusComment
      ? await github.createComment(spec.number, renderStatusComment(view, now))
      : undefined;
  const record: JobRecord = {
    id,
    kind: spec.kind,
    key,
    state: "queued",
    installationId: target.installationId,
    owner: target.owner,
    repo: target.repo,
    number: spec.number,
    requester: spec.requester,
    sha: spec.sha,
    title: spec.title,
    statusCommentId: comment?.id,
    checkRunId: check?.id,
    checkRunUrl: check?.url || undefined,
    createdAt: now,
    updatedAt: now,
    ...extra,
  };
  await ctx.store.putJob(record);
  const reporter = new ProgressReporter({
    github,
    view,
    commentId: comment?.id,
    checkRunId: check?.id,
    minIntervalMs: ctx.settings.statusIntervalMs,
    scheduler: ctx.scheduler,
    onError: (err) => ctx.log.warn({ err, jobId: id }, "status update failed"),
  });
  return { record, reporter };
}

/**
 * Dispatch mode: create the check run and status comment, then start the job on the runners through
 * `workflow_dispatch`. A dispatch that GitHub refuses (no such workflow, no `actions: write`) is reported on the
 * status comment and check run at once.
 */
async function dispatchJob(
  ctx: JobsContext,
  github: GitHubPort,
  spec: JobSpec,
  id: string,
  command: DispatchCommand,
): Promise<StartResult> {
  const dispatcher = ctx.dispatcher as NonNullable<JobsContext["dispatcher"]>;
  const { record, reporter } = await prepareReport(ctx, github, spec, id, jobKey(spec.target, spec.number));
  try {
    const dispatch = await dispatcher.dispatch(github, record, command, spec.target);
    await ctx.store.updateJob(id, { dispatch });
    // The check run stays `queued` until a runner takes the job: that is what the watchdog looks for.
    reporter.dispose();
  } catch (err) {
    ctx.log.error({ err, jobId: id }, "could not dispatch the job to the runners");
    const what = err instanceof Error ? err.message : String(err);
    await ctx.store.updateJob(id, { state: "failed", detail: what });
    await reporter
      .finish(
        { state: "failed", details: [`Tanuki could not start the job on the self-hosted runners: ${what}`] },
        { conclusion: "failure", title: `Job failed: ${spec.title}` },
      )
      .catch((e) => ctx.log.error({ err: e, jobId: id }, "could not report the failed dispatch"));
  }
  return { started: true, jobId: id, done: Promise.resolve() };
}

async function runJob(
  ctx: JobsContext,
  github: GitHubPort,
  record: JobRecord,
  reporter: ProgressReporter,
  signal: AbortSignal,
  work: (args: JobArgs) => Promise<JobOutcome>,
  announceAtOnce = false,
): Promise<void> {
  const folder = join(ctx.settings.dataDir, "jobs", record.id);
  const log = ctx.log.child({ jobId: record.id });
  let outcome: JobOutcome;
  try {
    if (signal.aborted) throw signal.reason;
    const startedAt = ctx.scheduler.now();
    await ctx.store.updateJob(record.id, { state: "running" });
    reporter.update({ state: "running", startedAt });
    // A dispatched job shows at once that a runner took it (the App's watchdog looks for exactly that).
    if (announceAtOnce) await reporter.writeNow();
    await mkdir(folder, { recursive: true });
    outcome = await work({ signal, reporter, folder, github, record });
  } catch (err) {
    if (signal.aborted) {
      outcome = cancelledOutcome(signal);
    } else {
      log.error({ err }, "job failed");
      const what = isTanukiError(err)
        ? err.message
        : `internal error: ${err instanceof Error ? err.message : String(err)}`;
      outcome = {
        state: "failed",
        details: [`Tanuki stopped with an error: ${what}`],
        check: { conclusion: "failure" },
      };
    }
  } finally {
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
  }
  const detail = outcome.details[0];
  await ctx.store.updateJob(record.id, { state: outcome.state, detail }).catch((err) => log.warn({ err }, "job store"));
  try {
    await reporter.finish(
      { state: outcome.state, details: outcome.details },
      {
        ...outcome.check,
        title: `${record.kind === "review" ? "Review" : "Job"} ${outcome.state}: ${reporter.current().title}`,
      },
    );
  } catch (err) {
    log.error({ err }, "could not report the job's outcome on GitHub");
  }
}

/** The outcome of an aborted job, with the abort's reason (`cancelled by @x`, `superseded by newer commit ...`). */
export function cancelledOutcome(signal: AbortSignal): JobOutcome {
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? "cancelled");
  return { state: "cancelled", details: [`Cancelled: ${reason}.`], check: { conclusion: "cancelled" } };
}
