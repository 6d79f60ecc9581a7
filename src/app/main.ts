import type { Server } from "node:http";
import { resolve } from "node:path";
import { getPrivateKey } from "@probot/get-private-key";
import { createProbot, run } from "probot";
import { type AppEnv, readAppEnv } from "../config/app-env.js";
import { defaultRunConfig, type RunConfig } from "../config/run-config.js";
import { ConfigError } from "../core/errors.js";
import { dispatchOnlyRunner, dispatchSettingsOf } from "../jobs/dispatch/index.js";
import type { JobRunner } from "../jobs/job-runner.js";
import { FileJobStore } from "../jobs/store/file-job-store.js";
import { tanukiApp } from "./index.js";
import { startWebhookProxy } from "./webhook-proxy.js";
import { createWebhookServer } from "./webhook-server.js";

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
 * Start the GitHub App server: Probot's webhook middleware behind Tanuki's body cap (see `createWebhookServer`) on
 * `HOST` (default `localhost`) and `PORT` (default 3000), webhooks on `WEBHOOK_PATH` (default
 * `/api/github/webhooks`), `GET /healthz` for health checks. Without `APP_ID` and a private key (outside
 * production) Probot's `run` serves its manifest setup flow instead, which registers the app from `app.yml` and
 * writes the credentials to `.env`. Resolves once `options.signal` has aborted, running jobs were cancelled (and
 * reported so) and the server stopped.
 *
 * @throws ConfigError when the environment is invalid
 */
export async function startTanukiApp(options: StartTanukiAppOptions): Promise<void> {
  const envVars = options.env;
  const env = readAppEnv(envVars);
  if (!hasCredentials(envVars)) {
    const setup = await run(() => undefined, { env: envVars });
    await aborted(options.signal);
    await setup.stop();
    return;
  }
  const dataDir = resolve(env.TANUKI_DATA_DIR);
  const store = await FileJobStore.open(dataDir);
  // TANUKI_RUNNER=actions: jobs go to self-hosted runners through workflow_dispatch; no model loads here.
  const dispatch = dispatchSettingsOf(env);
  const app = tanukiApp({
    runner: dispatch ? dispatchOnlyRunner : await options.createJobRunner(env),
    store,
    settings: {
      dataDir,
      statusIntervalMs: env.TANUKI_STATUS_INTERVAL_MS,
      runConfig: options.runConfig ?? defaultRunConfig(),
      concurrency: env.TANUKI_CONCURRENCY,
      commandLimits: {
        perUser: env.TANUKI_USER_COMMAND_LIMIT,
        perRepo: env.TANUKI_REPO_COMMAND_LIMIT,
        windowMs: env.TANUKI_COMMAND_WINDOW_MS,
        maxWaiting: env.TANUKI_MAX_WAITING_JOBS,
        maxWaitingPerRepo: env.TANUKI_MAX_WAITING_JOBS_PER_REPO,
      },
      ...(dispatch ? { dispatch } : {}),
    },
  });
  const probot = createProbot({ env: envVars });
  const server = await createWebhookServer({ probot, app, webhookPath: env.WEBHOOK_PATH });
  await listen(server, env.PORT, env.HOST);
  probot.log.info(`Tanuki listening on http://${env.HOST}:${env.PORT}${env.WEBHOOK_PATH}`);
  const proxy = env.WEBHOOK_PROXY_URL
    ? await startWebhookProxy({
        source: env.WEBHOOK_PROXY_URL,
        target: `http://127.0.0.1:${env.PORT}${env.WEBHOOK_PATH}`,
        log: probot.log,
      })
    : undefined;
  await aborted(options.signal);
  proxy?.close();
  await app.dispose();
  await new Promise<void>((done) => server.close(() => done()));
  await store.close();
}

/**
 * True when Probot has an app id and a private key, found as Probot finds it (`PRIVATE_KEY`, `PRIVATE_KEY_PATH`, or
 * the one `.pem` file in the working folder).
 * @throws ConfigError when `PRIVATE_KEY_PATH` cannot be read or several `.pem` files are found
 */
function hasCredentials(env: NodeJS.ProcessEnv): boolean {
  let key: string | null;
  try {
    key = getPrivateKey({ env });
  } catch (err) {
    const what = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`Invalid environment for the GitHub App:\n  PRIVATE_KEY: ${what}`, [`PRIVATE_KEY: ${what}`]);
  }
  return Boolean(env.APP_ID) && Boolean(key);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => {
      server.off("error", fail);
      done();
    });
  });
}

function aborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((done) => signal.addEventListener("abort", () => done(), { once: true }));
}
