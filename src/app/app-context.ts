import type { Logger } from "probot";
import type { RunConfig } from "../config/run-config.js";
import type { GitHubPort } from "../github/github-port.js";
import type { Scheduler } from "../jobs/scheduler.js";
import type { DispatchSettings, JobDispatcher } from "./dispatch/job-dispatcher.js";
import type { JobQueue } from "./job-queue.js";
import type { JobRunner } from "./job-runner.js";
import type { JobStore } from "./job-store.js";

/** Operator settings of the app (from the environment, see `config/app-env.ts`). */
export interface AppSettings {
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
}

/** Everything handlers and jobs share. Built once by `tanukiApp`. */
export interface AppContext {
  runner: JobRunner;
  store: JobStore;
  queue: JobQueue;
  /** Wall clock and timers (watchdog, status throttling, deadlines); tests move it by hand. */
  scheduler: Scheduler;
  settings: AppSettings;
  log: Logger;
  /** Present in dispatch mode: starts jobs on the Actions runners and cancels them. */
  dispatcher?: JobDispatcher;
  /** The GitHub port for one repository, authenticated as the installation. */
  github(installationId: number, owner: string, repo: string): Promise<GitHubPort>;
}

/** A repository as the app addresses it. */
export interface RepoTarget {
  installationId: number;
  owner: string;
  repo: string;
  cloneUrl: string;
  defaultBranch: string;
}

/** `owner/repo#number`: the key of "one job per issue or pull request at a time". */
export function jobKey(target: { owner: string; repo: string }, number: number): string {
  return `${target.owner}/${target.repo}#${number}`;
}

/** True when the pull request's head branch is in `target` itself, not in a fork (Tanuki pushes only there). */
export function isSameRepo(target: { owner: string; repo: string }, pr: { headRepo: string }): boolean {
  return pr.headRepo === `${target.owner}/${target.repo}`;
}

/** The git URL to clone from and push to (without credentials). */
export function remoteUrlOf(ctx: AppContext, target: RepoTarget): string {
  return ctx.settings.remoteUrl?.(target) ?? target.cloneUrl;
}
