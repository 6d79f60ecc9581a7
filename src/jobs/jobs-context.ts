import type { RunConfig } from "../config/run-config.js";
import type { GitRemotePort } from "../github/git-remote-port.js";
import type { GitHubPort } from "../github/github-port.js";
import type { DispatchSettings } from "./dispatch/dispatch-settings.js";
import type { JobDispatcher } from "./dispatch/job-dispatcher.js";
import type { CommandLimitSettings, CommandLimits } from "./intake/command-limits.js";
import type { JobLog } from "./job-log.js";
import type { JobRunner } from "./job-runner.js";
import type { JobQueue } from "./queue/job-queue.js";
import type { RepoTarget } from "./repo-target.js";
import type { Scheduler } from "./scheduler.js";
import type { JobStore } from "./store/job-store.js";

/** Operator settings of the app (from the environment, see `config/app-env.ts`). */
export interface JobsSettings {
  /** Folder for job folders (`<dataDir>/jobs/<id>/`); the job store lives here too. */
  dataDir: string;
  /** Least time between two edits of a status comment or check run, ms (the final edit is never delayed). */
  statusIntervalMs: number;
  /** Operator's run configuration: the defaults and the ceilings for `.github/tanuki.yml`. */
  runConfig: RunConfig;
  /**
   * Git URL of a repository. Default: the payload's `clone_url` (`https://github.com/o/r.git`). Tests point it at
   * a local bare repository.
   */
  remoteUrl?: (repo: { owner: string; repo: string; cloneUrl: string }) => string;
  /** Path of the repository config in each repository. Default `.github/tanuki.yml`. */
  configPath?: string;
  /**
   * Dispatch mode (`TANUKI_RUNNER=actions`): jobs run on the repository's self-hosted Actions runners, started
   * through `workflow_dispatch`, instead of in this process. Absent: inline (the JobRunner runs them here).
   */
  dispatch?: DispatchSettings;
  /**
   * The App's limits on `/tanuki` commands (per user and repository, per repository, queue bound). Absent:
   * `DEFAULT_COMMAND_LIMITS`. The Action (one event per process) has none.
   */
  commandLimits?: CommandLimitSettings;
}

/** Everything handlers and jobs share. Built once by `tanukiApp`. */
export interface JobsContext {
  runner: JobRunner;
  store: JobStore;
  queue: JobQueue;
  /** Wall clock and timers (watchdog, status throttling, deadlines); tests move it by hand. */
  scheduler: Scheduler;
  settings: JobsSettings;
  log: JobLog;
  /** Present in dispatch mode: starts jobs on the Actions runners and cancels them. */
  dispatcher?: JobDispatcher;
  /** Present in the App: the limits checked before a command's first GitHub call. */
  limits?: CommandLimits;
  /** Clone, fetch, diff and push (the git CLI in production). */
  git: GitRemotePort;
  /** The GitHub port for one repository, authenticated as the installation. */
  github(installationId: number, owner: string, repo: string): Promise<GitHubPort>;
}

/** The git URL to clone from and push to (without credentials). */
export function remoteUrlOf(ctx: JobsContext, target: RepoTarget): string {
  return ctx.settings.remoteUrl?.(target) ?? target.cloneUrl;
}
