import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import type { RunConfig } from "../config/run-config.js";
import { gitRemoteOverCli } from "../github/git-remote-cli.js";
import { OctokitGitHub } from "../github/octokit-github.js";
import type { JobRunner } from "../jobs/job-runner.js";
import type { JobsContext } from "../jobs/jobs-context.js";
import { JobQueue } from "../jobs/queue/job-queue.js";
import { systemScheduler } from "../jobs/scheduler.js";
import { FileJobStore } from "../jobs/store/file-job-store.js";
import type { JobRecorder } from "./job-recorder.js";

/** What the Action's context is built from. */
export interface ActionContextOptions {
  /** Octokit authenticated with the Action's token (retry and throttling plugins included). */
  octokit: InstanceType<typeof ProbotOctokit>;
  runner: JobRunner;
  recorder: JobRecorder;
  /** Scratch folder: the job store (`state/`) and job folders (`jobs/<id>/`). */
  workDir: string;
  runConfig: RunConfig;
  configPath: string;
  statusIntervalMs: number;
  log: Logger;
  /** Git URL override (tests point it at a local bare repository); default the payload's `clone_url`. */
  remoteUrl?: (repo: { owner: string; repo: string; cloneUrl: string }) => string;
}

/**
 * The App's context, built for one Action run: the same intakes and jobs run on it. One job at a time; the job store
 * lives in the scratch folder (each run starts empty, so review fingerprints and fix-attempt counters are not kept
 * between runs); `github()` ignores the installation id and uses the Action's token.
 */
export async function createActionContext(
  options: ActionContextOptions,
): Promise<{ ctx: JobsContext; store: FileJobStore }> {
  const dataDir = join(options.workDir, "state");
  await mkdir(dataDir, { recursive: true });
  const store = await FileJobStore.open(dataDir);
  const ports = new Map<string, ReturnType<JobRecorder["wrapGitHub"]>>();
  const ctx: JobsContext = {
    runner: options.recorder.wrapRunner(options.runner),
    store,
    queue: new JobQueue(1),
    scheduler: systemScheduler,
    settings: {
      dataDir: options.workDir,
      statusIntervalMs: options.statusIntervalMs,
      runConfig: options.runConfig,
      configPath: options.configPath,
      ...(options.remoteUrl ? { remoteUrl: options.remoteUrl } : {}),
    },
    log: options.log,
    git: gitRemoteOverCli,
    github: async (_installationId, owner, repo) => {
      const key = `${owner}/${repo}`;
      let port = ports.get(key);
      if (!port) {
        port = options.recorder.wrapGitHub(new OctokitGitHub(options.octokit, owner, repo));
        ports.set(key, port);
      }
      return port;
    },
  };
  return { ctx, store };
}
