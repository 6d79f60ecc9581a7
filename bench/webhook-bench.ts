/**
 * Webhook benchmark for the GitHub App: acknowledgement latency of signed deliveries through Probot's real
 * middleware, and the time from delivery to the `eyes` reaction and to the first status comment. GitHub's API is
 * answered by a local HTTP server on 127.0.0.1; git clones come from a local bare repository; the engine is a
 * runner that answers at once (the numbers are the app's own overhead, not the loop's).
 *
 * Two scenarios: N concurrent `/tanuki fix` commands with Octokit's throttling off (the app's overhead), and a few
 * commands with Probot's default throttling on (what GitHub's secondary rate limits impose: writes one per second,
 * notification-triggering writes one per three seconds, process-wide).
 *
 * Run alone: `npx tsx bench/webhook-bench.ts [deliveries]`.
 */
import { execFileSync } from "node:child_process";
import { createHmac, generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { FileJobStore } from "../src/app/file-job-store.js";
import { tanukiApp } from "../src/app/index.js";
import type { JobRunner } from "../src/app/job-runner.js";
import { defaultRunConfig } from "../src/config/run-config.js";

/** Options of {@link benchWebhooks}. */
export interface WebhookBenchOptions {
  /** Concurrent deliveries in the unthrottled scenario. Default 100. */
  deliveries?: number;
  /** Concurrent deliveries with Probot's default throttling (each costs ~4 s of write budget). Default 3; 0 skips. */
  throttledDeliveries?: number;
}

const SECRET = "bench-secret";
const OWNER = "acme";
const REPO = "widgets";

/**
 * Run the benchmark.
 * @returns latencies in ms: `ackMs` {p50, p99, max}, `eyesMs` and `firstStatusMs` {p50, p99, max} per scenario
 */
export async function benchWebhooks(options: WebhookBenchOptions = {}): Promise<Record<string, unknown>> {
  const deliveries = options.deliveries ?? 100;
  const throttled = options.throttledDeliveries ?? 3;
  const root = mkdtempSync(join(tmpdir(), "tanuki-webhook-bench-"));
  try {
    const remote = createRemote(root);
    const unthrottled = await scenario({ root, remote, deliveries, throttle: false });
    const withThrottling =
      throttled > 0 ? await scenario({ root, remote, deliveries: throttled, throttle: true }) : undefined;
    return {
      deliveries,
      unthrottled,
      ...(withThrottling ? { throttled: { deliveries: throttled, ...withThrottling } } : {}),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

interface ScenarioOptions {
  root: string;
  remote: { url: string; sha: string };
  deliveries: number;
  throttle: boolean;
}

async function scenario(options: ScenarioOptions) {
  const api = await startFakeGitHub(options.remote.sha);
  const dataDir = mkdtempSync(join(options.root, "data-"));
  const store = await FileJobStore.open(dataDir);
  const runner: JobRunner = {
    fix: async ({ task }) => notFixed(task.baseSha ?? ""),
    review: async () => ({ findings: [], summary: "" }),
    analyzeFailure: async () => ({ symptom: "", whys: [], rootCause: "", nextAttemptAdvice: "", attempt: 1 }),
    fixFailure: async ({ task }) => notFixed(task.baseSha ?? ""),
  };
  const app = tanukiApp({
    runner,
    store,
    settings: {
      dataDir,
      statusIntervalMs: 3_000,
      runConfig: defaultRunConfig(),
      concurrency: 2,
      remoteUrl: () => options.remote.url,
    },
  });
  const probot = new Probot({
    appId: 1,
    privateKey: generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString(),
    secret: SECRET,
    baseUrl: api.url,
    log: pino({ level: "silent" }),
    Octokit: options.throttle
      ? ProbotOctokit
      : ProbotOctokit.defaults((o: object) => ({ ...o, throttle: { enabled: false }, retry: { enabled: false } })),
  });
  const middleware = await createNodeMiddleware(app, { probot });
  const server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await listen(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;

  const sentAt = new Map<number, number>();
  const ackMs: number[] = [];
  await Promise.all(
    Array.from({ length: options.deliveries }, async (_, i) => {
      const issue = i + 1;
      const body = JSON.stringify(commentPayload(issue));
      const started = performance.now();
      sentAt.set(issue, started);
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "issue_comment",
          "x-github-delivery": randomUUID(),
          "x-hub-signature-256": `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`,
        },
        body,
      });
      await res.text();
      if (res.status !== 200) throw new Error(`delivery answered ${res.status}`);
      ackMs.push(performance.now() - started);
    }),
  );
  await app.idle();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
  await api.close();
  const since = (times: Map<number, number>) => [...times].map(([issue, at]) => at - (sentAt.get(issue) ?? at));
  return {
    ackMs: stats(ackMs),
    eyesMs: stats(since(api.eyesAt)),
    firstStatusMs: stats(since(api.statusAt)),
    apiRequests: api.requests(),
  };
}

function notFixed(baseSha: string) {
  return {
    taskId: "bench",
    outcome: "not-fixed" as const,
    reason: "benchmark runner",
    baseSha,
    attempts: [],
    findings: [],
    rcas: [],
    filesChanged: [],
    usage: { promptTokens: 0, completionTokens: 0, calls: 0, byAgent: {} },
    timings: { totalMs: 0 },
  };
}

function commentPayload(issue: number) {
  const repository = {
    id: 1,
    name: REPO,
    full_name: `${OWNER}/${REPO}`,
    owner: { login: OWNER, id: 1, type: "Organization" },
    clone_url: `https://github.com/${OWNER}/${REPO}.git`,
    default_branch: "main",
  };
  return {
    action: "created",
    installation: { id: 1 },
    repository,
    sender: { login: "alice", id: 2, type: "User" },
    issue: {
      number: issue,
      title: `Issue ${issue}`,
      body: "It breaks.",
      html_url: `https://github.com/${OWNER}/${REPO}/issues/${issue}`,
      labels: [],
    },
    comment: { id: 10_000 + issue, body: "/tanuki fix", user: { login: "alice", id: 2, type: "User" } },
  };
}

/** A local stand-in for api.github.com that answers the calls of a fix command and records when they arrive. */
async function startFakeGitHub(sha: string) {
  const eyesAt = new Map<number, number>();
  const statusAt = new Map<number, number>();
  let count = 0;
  let nextId = 1;
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    count += 1;
    const path = decodeURIComponent((req.url ?? "").split("?")[0] ?? "");
    const method = req.method ?? "GET";
    const now = performance.now();
    const reaction = /\/issues\/comments\/(\d+)\/reactions$/.exec(path);
    const comment = /\/issues\/(\d+)\/comments$/.exec(path);
    if (method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(path)) {
      return json(res, 201, { token: "ghs_bench", expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    }
    if (method === "POST" && reaction) {
      eyesAt.set(Number(reaction[1]) - 10_000, now);
      return json(res, 201, { id: nextId++, content: "eyes" });
    }
    if (method === "GET" && /\/collaborators\/[^/]+\/permission$/.test(path)) {
      return json(res, 200, { permission: "write", role_name: "write" });
    }
    if (method === "GET" && /\/git\/ref\/heads\/main$/.test(path)) return json(res, 200, { object: { sha } });
    if (method === "GET" && /\/contents\//.test(path)) return json(res, 404, { message: "Not Found" });
    if (method === "POST" && /\/issues\/\d+\/labels$/.test(path)) return json(res, 200, []);
    if (method === "POST" && /\/check-runs$/.test(path)) {
      const id = nextId++;
      return json(res, 201, { id, html_url: `https://github.com/${OWNER}/${REPO}/runs/${id}` });
    }
    if (method === "POST" && comment) {
      if (!statusAt.has(Number(comment[1]))) statusAt.set(Number(comment[1]), now);
      return json(res, 201, { id: nextId++, html_url: "https://github.com/c" });
    }
    if (method === "PATCH") return json(res, 200, {});
    return json(res, 404, { message: `not handled: ${method} ${path}` });
  };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handle(req, res));
  });
  await listen(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    eyesAt,
    statusAt,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function createRemote(root: string): { url: string; sha: string } {
  const env = {
    ...process.env,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "b",
    GIT_AUTHOR_EMAIL: "b@b",
    GIT_COMMITTER_NAME: "b",
    GIT_COMMITTER_EMAIL: "b@b",
  };
  const git = (...args: string[]) =>
    execFileSync("git", args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  const bare = join(root, "remote.git");
  const work = join(root, "work");
  git("init", "--quiet", "--bare", "--initial-branch=main", bare);
  git("-C", bare, "config", "uploadpack.allowReachableSHA1InWant", "true");
  git("init", "--quiet", "--initial-branch=main", work);
  git("-C", work, "commit", "--quiet", "--allow-empty", "-m", "initial");
  git("-C", work, "push", "--quiet", bare, "main");
  return { url: bare, sha: git("-C", work, "rev-parse", "HEAD") };
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    Number((sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0).toFixed(1));
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const deliveries = Number(process.argv[2] ?? 100);
  console.log(JSON.stringify(await benchWebhooks({ deliveries }), null, 2));
}
