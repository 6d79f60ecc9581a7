import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { type TanukiApp, tanukiApp } from "../../src/app/index.js";
import { createWebhookServer } from "../../src/app/webhook-server.js";
import { defaultRunConfig } from "../../src/config/run-config.js";
import type { DispatchSettings } from "../../src/jobs/dispatch/dispatch-settings.js";
import type { CommandLimitSettings } from "../../src/jobs/intake/command-limits.js";
import type { Scheduler } from "../../src/jobs/scheduler.js";
import { FileJobStore } from "../../src/jobs/store/file-job-store.js";
import { ScriptedJobRunner } from "./app-scripted-runner.js";
import { ManualScheduler } from "./manual-scheduler.js";

export const WEBHOOK_SECRET = "tanuki-test-secret";
export const APP_ID = 4242;

let privateKey: string | undefined;
/** A real RSA key, so Probot signs real JWTs for the token exchange (generated once per process). */
function testPrivateKey(): string {
  privateKey ??= generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  return privateKey;
}

/** `sha256=` + HMAC-SHA256(secret, body): GitHub's `x-hub-signature-256`. */
export function signBody(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Options of {@link startAppHarness}. */
export interface AppHarnessOptions {
  /** URL the app clones from and pushes to (a local bare repository). */
  remoteUrl: string;
  /** Enable Octokit's retry plugin with a short base delay (ms); default disabled. */
  retryBaseMs?: number;
  /** Data dir to reuse (restart tests); default a fresh temporary folder. */
  dataDir?: string;
  statusIntervalMs?: number;
  concurrency?: number;
  /**
   * Wall clock and timers of the app. Default a {@link ManualScheduler} started at the real time: no timer of the
   * app ever fires on its own, so a test moves time explicitly (`h.scheduler.advance`) or not at all.
   */
  scheduler?: Scheduler;
  /** Base URL of the GitHub API; default https://api.github.com (nock). */
  baseUrl?: string;
  runner?: ScriptedJobRunner;
  /** Dispatch mode: jobs go to the Actions runners through workflow_dispatch. */
  dispatch?: DispatchSettings;
  /** The App's command limits; default the App's defaults. */
  commandLimits?: CommandLimitSettings;
  /** Use Probot's Octokit as shipped, throttling and retries on (as against GitHub); `retryBaseMs` is ignored. Default false. */
  throttle?: boolean;
}

/** A running app: the App's webhook server (Probot's real middleware behind the body cap) on 127.0.0.1. */
export interface AppHarness {
  url: string;
  app: TanukiApp;
  runner: ScriptedJobRunner;
  store: FileJobStore;
  /** The app's clock and timers (the one passed in, or the default ManualScheduler). */
  scheduler: Scheduler;
  dataDir: string;
  /** POST a signed delivery; resolves with the HTTP status once the webhook is acknowledged. */
  deliver(
    event: string,
    payload: object,
    options?: { id?: string; secret?: string },
  ): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/** Start Probot + Tanuki with a scripted runner; GitHub's API is whatever the test mocks. */
export async function startAppHarness(options: AppHarnessOptions): Promise<AppHarness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "tanuki-app-"));
  const ownsDataDir = options.dataDir === undefined;
  const store = await FileJobStore.open(dataDir);
  const runner = options.runner ?? new ScriptedJobRunner();
  const scheduler = options.scheduler ?? new ManualScheduler(Date.now());
  const retry =
    options.retryBaseMs !== undefined
      ? { enabled: true, retryAfterBaseValue: options.retryBaseMs }
      : { enabled: false };
  const probot = new Probot({
    appId: APP_ID,
    privateKey: testPrivateKey(),
    secret: WEBHOOK_SECRET,
    log: pino({ level: process.env.TANUKI_TEST_LOG ?? "silent" }),
    baseUrl: options.baseUrl,
    // The function form is needed: Probot's own defaults win over a plain object (throttling stays on).
    Octokit: options.throttle
      ? ProbotOctokit
      : ProbotOctokit.defaults((o: object) => ({ ...o, retry, throttle: { enabled: false } })),
  });
  const app = tanukiApp({
    runner,
    store,
    scheduler,
    settings: {
      dataDir,
      statusIntervalMs: options.statusIntervalMs ?? 3_600_000,
      runConfig: defaultRunConfig(),
      concurrency: options.concurrency ?? 1,
      remoteUrl: () => options.remoteUrl,
      ...(options.dispatch ? { dispatch: options.dispatch } : {}),
      ...(options.commandLimits ? { commandLimits: options.commandLimits } : {}),
    },
  });
  // The App's own server (body cap, then Probot's middleware), as `tanuki app` serves it.
  const server: Server = await createWebhookServer({ probot, app });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  return {
    url,
    app,
    runner,
    store,
    scheduler,
    dataDir,
    async deliver(event, payload, deliveryOptions = {}) {
      const body = JSON.stringify(payload);
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": event,
          "x-github-delivery": deliveryOptions.id ?? randomUUID(),
          "x-hub-signature-256": signBody(body, deliveryOptions.secret),
        },
        body,
      });
      return { status: res.status, text: await res.text() };
    },
    async close() {
      await app.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
