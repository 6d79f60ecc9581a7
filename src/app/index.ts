import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import { gitRemoteOverCli } from "../github/git-remote-cli.js";
import { OctokitGitHub } from "../github/octokit-github.js";
import { createJobDispatcher } from "../jobs/dispatch/job-dispatcher.js";
import { checkDispatchedJobs } from "../jobs/dispatch/watch-dispatched.js";
import { CommandLimits, DEFAULT_COMMAND_LIMITS } from "../jobs/intake/command-limits.js";
import { PULL_REQUEST_REVIEW_EVENTS } from "../jobs/intake/event-inputs.js";
import type { JobRunner } from "../jobs/job-runner.js";
import type { JobsContext, JobsSettings } from "../jobs/jobs-context.js";
import { recoverInterrupted } from "../jobs/lifecycle/recover-interrupted.js";
import { JobQueue } from "../jobs/queue/job-queue.js";
import { every, type ScheduledCall, type Scheduler, systemScheduler } from "../jobs/scheduler.js";
import type { JobStore } from "../jobs/store/job-store.js";
import {
  type Background,
  onCheckRun,
  onIssueComment,
  onIssueLabeled,
  onPullRequest,
  onWorkflowRun,
} from "./handlers.js";
import { healthHandler } from "./health.js";

export type { JobRunner } from "../jobs/job-runner.js";
export type { JobsSettings } from "../jobs/jobs-context.js";
export type { Scheduler } from "../jobs/scheduler.js";
export type { JobStore } from "../jobs/store/job-store.js";

/** What the app is built from. Tests pass a scripted runner and a store in a temporary folder. */
export interface TanukiAppDeps {
  /** The engine (fix loop, reviewer, debugger). */
  runner: JobRunner;
  /** Durable job state (`FileJobStore`). */
  store: JobStore;
  /** Wall clock and timers (dispatch watchdog, status throttling, deadlines). Default {@link systemScheduler}. */
  scheduler?: Scheduler;
  settings: JobsSettings & {
    /** Jobs running at once (GPU slots). Default 1. */
    concurrency?: number;
  };
}

/** The Probot app function, plus what its owner needs to wait for it and stop it. */
export type TanukiApp = ApplicationFunction & {
  /** Resolves when no intake and no job is in flight (tests, graceful shutdown). */
  idle(): Promise<void>;
  /** Resolves when interrupted jobs from a previous process have been reported (after the app was loaded). */
  recovered(): Promise<string[]>;
  /** Cancel every job (reported as cancelled) and wait for them to finish. */
  dispose(): Promise<void>;
};

/**
 * Tanuki as a Probot app. Handlers are thin: they drop bots, edited comments and redeliveries, then hand the
 * event to an intake that runs after the webhook is acknowledged (parse command → command limits → check
 * permission → enqueue → report; see `settings.commandLimits`). Events used: `issue_comment.created`, `issues.labeled`, `pull_request.{opened,reopened,
 * ready_for_review,synchronize}`, `check_run.completed`, `workflow_run.completed` (see app.yml).
 *
 * On load it reports jobs a previous process left queued or running as interrupted. In dispatch mode
 * (`settings.dispatch`) jobs are started on the Actions runners, and a watchdog reports those that never start or
 * die. `GET /healthz` answers `200 {"status":"ok",...}` once the app is loaded (for container health checks).
 */
export function tanukiApp(deps: TanukiAppDeps): TanukiApp {
  const queue = new JobQueue(deps.settings.concurrency ?? 1);
  const limits = new CommandLimits(deps.settings.commandLimits ?? DEFAULT_COMMAND_LIMITS);
  const inFlight = new Set<Promise<void>>();
  let recovery: Promise<string[]> = Promise.resolve([]);
  let watchdog: ScheduledCall | undefined;
  const scheduler = deps.scheduler ?? systemScheduler;
  const dispatcher = deps.settings.dispatch
    ? createJobDispatcher(deps.settings.dispatch, { store: deps.store, clock: scheduler })
    : undefined;

  const appFn = (app: Probot, options?: Partial<ApplicationFunctionOptions>) => {
    const log = app.log.child({ name: "tanuki" });
    const ctx: JobsContext = {
      runner: deps.runner,
      store: deps.store,
      queue,
      limits,
      scheduler,
      settings: deps.settings,
      log,
      ...(dispatcher ? { dispatcher } : {}),
      git: gitRemoteOverCli,
      github: async (installationId, owner, repo) => new OctokitGitHub(await app.auth(installationId), owner, repo),
    };
    const bg: Background = (what, work) => {
      const p: Promise<void> = work()
        .then(() => undefined)
        .catch((err) => log.error({ err, event: what }, "webhook intake failed"))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    };
    // @octokit/webhooks answers 400 to a delivery whose signature does not match; Tanuki answers 401
    // Unauthorized, which says what happened. The handler runs synchronously before the response is written.
    app.onError((error) => {
      for (const err of error.errors as { message?: string; status?: number }[]) {
        if (err.status === 400 && /signature does not match/.test(err.message ?? "")) err.status = 401;
      }
    });
    app.on("issue_comment.created", (context) => onIssueComment(ctx, bg, context));
    app.on("issues.labeled", (context) => onIssueLabeled(ctx, bg, context));
    app.on([...PULL_REQUEST_REVIEW_EVENTS], (context) => onPullRequest(ctx, bg, context));
    app.on("check_run.completed", (context) => onCheckRun(ctx, bg, context));
    app.on("workflow_run.completed", (context) => onWorkflowRun(ctx, bg, context));
    options?.addHandler?.(healthHandler(() => ({ running: queue.size(), mode: dispatcher ? "actions" : "inline" })));
    recovery = recoverInterrupted(ctx).catch((err) => {
      log.error({ err }, "could not report interrupted jobs");
      return [];
    });
    if (dispatcher) {
      // Each tick runs in the background (idle() waits for it). A tick that finds the previous one still running
      // skips: two overlapping checks would both see a job past its deadline and report it twice.
      let checking = false;
      watchdog = every(scheduler, dispatcher.settings.checkIntervalMs ?? 60_000, () => {
        if (checking) return;
        checking = true;
        bg("dispatch watchdog", () => checkDispatchedJobs(ctx).finally(() => (checking = false)));
      });
    }
  };

  const idle = async () => {
    await recovery;
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    await queue.onIdle();
    if (inFlight.size > 0) await idle();
  };
  return Object.assign(appFn, {
    idle,
    recovered: () => recovery,
    dispose: async () => {
      watchdog?.cancel();
      queue.cancelAll("Tanuki is shutting down");
      await idle();
    },
  });
}
