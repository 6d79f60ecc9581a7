import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import { ProbotOctokit } from "probot";
import type { ActionEnv } from "../config/action-env.js";
import { defaultRunConfig, RunConfig } from "../config/run-config.js";
import { isTanukiError } from "../core/errors.js";
import type { IntakeResult } from "../jobs/intake/intake-result.js";
import type { JobRecord } from "../jobs/store/job-store.js";
import { writeRunOutputs } from "../report/run-outputs.js";
import { createActionContext } from "./action-context.js";
import { createActionLog } from "./action-log.js";
import { type DisposableJobRunner, JobRecorder, lazyJobRunner } from "./job-recorder.js";
import { appendSummary, writeOutputs } from "./outputs.js";
import { routeEvent } from "./route-event.js";
import { type ActionReport, renderSummary, statusOf } from "./summary.js";

/** Folders the engine is built with. */
export interface ActionDirs {
  /** Per-job traces go here (`<task id>.jsonl`): the workflow uploads the report folder as an artifact. */
  traceDir: string;
  /** Scratch folder (work copies). */
  workDir: string;
}

/** What {@link runAction} needs besides the environment. Tests inject the runner and an Octokit class. */
export interface RunActionOptions {
  env: ActionEnv;
  /** Builds the engine; called on the first job only (a refused command never loads a model). */
  createRunner: (dirs: ActionDirs) => Promise<DisposableJobRunner>;
  /** Octokit class; default Probot's (retry and throttling plugins). */
  Octokit?: typeof ProbotOctokit;
  log?: Logger;
  /** Aborted when the runner cancels the job (SIGINT/SIGTERM): running jobs are reported as cancelled. */
  signal?: AbortSignal;
  /** Git URL override (tests); default the event's `clone_url`. */
  remoteUrl?: (repo: { owner: string; repo: string; cloneUrl: string }) => string;
}

/**
 * The Action: read the event from `GITHUB_EVENT_PATH`, do what the GitHub App does for it (through the App's own
 * intakes and jobs: permission gate, status comment, check run, pull request, review, root-cause comment), wait
 * for the job, then write the report folder (`run.json`, `pr.md`, `summary.md`, `traces/`), the step outputs
 * (`GITHUB_OUTPUT`: status, job-id, pr-url, review-url, report-dir, report-path, trace-path) and the job summary
 * (`GITHUB_STEP_SUMMARY`).
 *
 * Failures (GitHub, invalid inputs) are reported in the outputs with status `failed`; this never throws for them.
 *
 * @returns the report; `exitCode` is 1 when a job failed or the Action could not run
 */
export async function runAction(options: RunActionOptions): Promise<ActionReport> {
  const startedAt = Date.now();
  const { env } = options;
  const { inputs } = env;
  const log = options.log ?? createActionLog(inputs.logLevel);
  const temp = env.RUNNER_TEMP ?? tmpdir();
  const workDir = resolve(inputs.workDir ?? join(temp, "tanuki"));
  const reportDir = resolve(inputs.reportDir ?? join(temp, "tanuki-report"));
  const traceDir = join(reportDir, "traces");
  await Promise.all([mkdir(workDir, { recursive: true }), mkdir(traceDir, { recursive: true })]);

  const recorder = new JobRecorder();
  const runner = lazyJobRunner(() => options.createRunner({ traceDir, workDir }));
  const Octokit = options.Octokit ?? ProbotOctokit;
  const octokit = new Octokit({ auth: { token: inputs.githubToken }, baseUrl: env.GITHUB_API_URL, log });
  const { ctx, store } = await createActionContext({
    octokit,
    runner,
    recorder,
    workDir,
    runConfig: operatorRunConfig(env),
    configPath: inputs.configPath,
    statusIntervalMs: inputs.statusIntervalMs,
    log,
    remoteUrl: options.remoteUrl,
  });
  const onAbort = () => ctx.queue.cancelAll("the workflow run was cancelled");
  options.signal?.addEventListener("abort", onAbort, { once: true });

  let results: IntakeResult[] = [];
  let crash: string | undefined;
  try {
    const payload = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, "utf8")) as Record<string, unknown>;
    const runUrl = env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined;
    log.info({ event: env.GITHUB_EVENT_NAME, action: payload.action }, "tanuki: handling the event");
    results = await routeEvent(
      ctx,
      { name: env.GITHUB_EVENT_NAME, payload, id: env.GITHUB_RUN_ID ?? "local" },
      { name: env.RUNNER_NAME, runUrl },
    );
    await Promise.all(results.map((r) => (r.kind === "started" ? r.done : undefined)));
  } catch (err) {
    crash = isTanukiError(err) ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`;
    log.error({ err }, `tanuki: ${crash}`);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await ctx.queue.onIdle();
    await runner.dispose();
    await store.close();
  }

  const jobs: (JobRecord | undefined)[] = await Promise.all(
    results.filter((r) => r.kind === "started").map((r) => store.getJob(r.jobId)),
  );
  const outcome = crash ? { status: "failed", detail: crash, exitCode: 1 } : statusOf(results, jobs);
  const run = recorder.runs.at(-1);
  if (run) await writeRunOutputs(reportDir, run);
  const reportPath = join(reportDir, "summary.md");
  const report: ActionReport = {
    ...outcome,
    jobId: jobs.find((j) => j)?.id,
    prUrl: recorder.pullRequests.at(-1)?.url,
    reviewUrl: recorder.postedReviews.at(-1)?.url,
    reportDir,
    reportPath,
    tracePath: await newestFile(traceDir, ".jsonl"),
  };
  const job = jobs.find((j) => j);
  const summary = renderSummary(report, recorder, {
    totalMs: Date.now() - startedAt,
    ...(job ? { jobMs: job.updatedAt - job.createdAt } : {}),
  });
  await writeFile(reportPath, summary, "utf8");
  await appendSummary(env.GITHUB_STEP_SUMMARY, summary);
  await writeOutputs(env.GITHUB_OUTPUT, {
    status: report.status,
    detail: report.detail,
    "job-id": report.jobId,
    "pr-url": report.prUrl,
    "review-url": report.reviewUrl,
    "report-dir": report.reportDir,
    "report-path": report.reportPath,
    "trace-path": report.tracePath,
  });
  log.info({ status: report.status, pr: report.prUrl }, `tanuki: ${report.detail}`);
  return report;
}

/** The operator's run configuration from the inputs: sandbox image and budget ceilings. */
export function operatorRunConfig(env: ActionEnv): RunConfig {
  const base = defaultRunConfig();
  const { inputs } = env;
  return RunConfig.parse({
    ...base,
    sandbox: { ...base.sandbox, image: inputs.sandboxImage },
    budgets: {
      maxAttempts: inputs.maxAttempts ?? base.budgets.maxAttempts,
      wallClockMs:
        inputs.timeBudgetMinutes !== undefined
          ? Math.round(inputs.timeBudgetMinutes * 60_000)
          : base.budgets.wallClockMs,
      maxTokens: inputs.tokenBudget ?? base.budgets.maxTokens,
    },
  });
}

async function newestFile(dir: string, suffix: string): Promise<string | undefined> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith(suffix));
  const dated = await Promise.all(
    names.map(async (n) => ({ path: join(dir, n), at: (await stat(join(dir, n))).mtimeMs })),
  );
  return dated.sort((a, b) => b.at - a.at)[0]?.path;
}
