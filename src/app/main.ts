import { resolve } from "node:path";
import { run } from "probot";
import { type AppEnv, readAppEnv } from "../config/app-env.js";
import { defaultRunConfig, type RunConfig } from "../config/run-config.js";
import { dispatchOnlyRunner, dispatchSettingsOf } from "../jobs/dispatch/index.js";
import type { JobRunner } from "../jobs/job-runner.js";
import { FileJobStore } from "../jobs/store/file-job-store.js";
import { tanukiApp } from "./index.js";

/** Builds the engine for the app; supplied by the composition root (`src/compose`). */
export type CreateJobRunner = (env: AppEnv) => JobRunner | Promise<JobRunner>;

/** Options of {@link startTanukiApp}. */
export interface StartTanukiAppOptions {
  /** The composition root's factory for the real engine. Called once, only when the app has credentials. */
  createJobRunner: CreateJobRunner;
  /** The process environment (Probot's variables and Tanuki's; see `AppEnv`). */
  env: NodeJS.ProcessEnv;
  /** The operator's run configuration: defaults and ceilings for every repository. Default {@link defaultRunConfig}. */
  runConfig?: RunConfig;
  /** Aborting it (the entry point's SIGINT/SIGTERM) cancels running jobs, reported as cancelled, and stops the server. */
  signal: AbortSignal;
}

/**
 * Start the GitHub App server with Probot's `run`: webhooks on `WEBHOOK_PATH` (default `/api/github/webhooks`),
 * port `PORT` (default 3000). Without `APP_ID` and a private key (outside production) Probot serves its manifest
 * setup flow instead, which registers the app from `app.yml` and writes the credentials to `.env`.
 * Resolves once `options.signal` has aborted, running jobs were cancelled (and reported so) and the server stopped.
 *
 * @throws ConfigError when the environment is invalid
 */
export async function startTanukiApp(options: StartTanukiAppOptions): Promise<void> {
  const envVars = options.env;
  const env = readAppEnv(envVars);
  const dataDir = resolve(env.TANUKI_DATA_DIR);
  let app: ReturnType<typeof tanukiApp> | undefined;
  const server = await run(
    async (probot, opts) => {
      const store = await FileJobStore.open(dataDir);
      // TANUKI_RUNNER=actions: jobs go to self-hosted runners through workflow_dispatch; no model loads here.
      const dispatch = dispatchSettingsOf(env);
      app = tanukiApp({
        runner: dispatch ? dispatchOnlyRunner : await options.createJobRunner(env),
        store,
        settings: {
          dataDir,
          statusIntervalMs: env.TANUKI_STATUS_INTERVAL_MS,
          runConfig: options.runConfig ?? defaultRunConfig(),
          concurrency: env.TANUKI_CONCURRENCY,
          ...(dispatch ? { dispatch } : {}),
        },
      });
      await app(probot, opts);
    },
    { env: envVars },
  );
  if (!options.signal.aborted) {
    await new Promise<void>((resolve) => options.signal.addEventListener("abort", () => resolve(), { once: true }));
  }
  await app?.dispose();
  await server.stop();
}
