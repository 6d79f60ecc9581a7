/**
 * Webhook benchmark for the GitHub App: acknowledgement latency of signed deliveries through Probot's real
 * middleware, and the time from delivery to the `eyes` reaction and to the first status comment. GitHub's API is
 * answered by a local HTTP server on 127.0.0.1; git clones come from a local bare repository; the engine is a
 * runner that answers at once (the numbers are the app's own overhead, not the loop's).
 *
 * Three scenarios: N concurrent `/tanuki fix` commands with Octokit's throttling off (the app's overhead), a few
 * commands with Probot's default throttling on (what GitHub's secondary rate limits impose: writes one per second,
 * notification-triggering writes one per three seconds, process-wide), and the ack latency of deliveries while a
 * job quotes a hostile file (`whileQuoting`, see {@link quotingScenario}).
 *
 * Run alone: `npx tsx bench/webhook-bench.ts [deliveries]`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { delimitUntrusted } from "../src/intake/delimit.js";
import { createBareRemote } from "../test/helpers/app-git.js";
import { startAppHarness } from "../test/helpers/app-harness.js";
import { issueCommentCreated, REPO } from "../test/helpers/app-payloads.js";
import { runResult, ScriptedJobRunner } from "../test/helpers/app-scripted-runner.js";

/** Options of {@link benchWebhooks}. */
export interface WebhookBenchOptions {
  /** Concurrent deliveries in the unthrottled scenario. Default 100. */
  deliveries?: number;
  /** Concurrent deliveries with Probot's default throttling (each costs ~4 s of write budget). Default 3; 0 skips. */
  throttledDeliveries?: number;
  /** Deliveries posted one by one while a job quotes a hostile file (and as many before, while it waits). Default 50. */
  quotingDeliveries?: number;
}

/** Comment ids are `COMMENT_ID_BASE + issue number`, so a reaction's path tells which delivery it answers. */
const COMMENT_ID_BASE = 10_000;

/**
 * Run the benchmark.
 * @returns latencies in ms: `ackMs` {p50, p99, max}, `eyesMs` and `firstStatusMs` {p50, p99, max} per scenario;
 *   `whileQuoting`: `idleAckMs`, `quotingAckMs` and `quoteMs` (one fence of the hostile file) {n, p50, p99, max}
 */
export async function benchWebhooks(options: WebhookBenchOptions = {}): Promise<Record<string, unknown>> {
  const deliveries = options.deliveries ?? 100;
  const throttled = options.throttledDeliveries ?? 3;
  const remote = createBareRemote({ "README.md": "bench\n" });
  try {
    const sha = remote.branchSha("main") as string;
    const unthrottled = await scenario({ remoteUrl: remote.url, sha, deliveries, throttle: false });
    const withThrottling =
      throttled > 0 ? await scenario({ remoteUrl: remote.url, sha, deliveries: throttled, throttle: true }) : undefined;
    const whileQuoting = await quotingScenario(remote.url, sha, options.quotingDeliveries ?? 50);
    return {
      deliveries,
      unthrottled,
      whileQuoting,
      ...(withThrottling ? { throttled: { deliveries: throttled, ...withThrottling } } : {}),
    };
  } finally {
    remote.dispose();
  }
}

interface ScenarioOptions {
  remoteUrl: string;
  /** Tip of the remote's `main`, answered for the default branch. */
  sha: string;
  deliveries: number;
  throttle: boolean;
}

async function scenario(options: ScenarioOptions) {
  const api = await startFakeGitHub(options.sha);
  const notFixed = ({ task }: { task: { baseSha?: string } }) =>
    runResult({ outcome: "not-fixed", reason: "benchmark runner", baseSha: task.baseSha ?? "" });
  const runner = new ScriptedJobRunner({
    fix: notFixed,
    review: () => ({ findings: [], summary: "" }),
    analyzeFailure: () => ({ symptom: "", whys: [], rootCause: "", nextAttemptAdvice: "", attempt: 1 }),
    fixFailure: notFixed,
  });
  const h = await startAppHarness({
    remoteUrl: options.remoteUrl,
    baseUrl: api.url,
    runner,
    concurrency: 2,
    statusIntervalMs: 3_000,
    throttle: options.throttle,
  });

  const sentAt = new Map<number, number>();
  const ackMs: number[] = [];
  await Promise.all(
    Array.from({ length: options.deliveries }, async (_, i) => {
      const issue = i + 1;
      const payload = issueCommentCreated({
        body: "/tanuki fix",
        number: issue,
        commentId: COMMENT_ID_BASE + issue,
        title: `Issue ${issue}`,
      });
      const started = performance.now();
      sentAt.set(issue, started);
      const res = await h.deliver("issue_comment", payload);
      if (res.status !== 200) throw new Error(`delivery answered ${res.status}`);
      ackMs.push(performance.now() - started);
    }),
  );
  await h.app.idle();
  await h.close();
  await api.close();
  const since = (times: Map<number, number>) => [...times].map(([issue, at]) => at - (sentAt.get(issue) ?? at));
  return {
    ackMs: stats(ackMs),
    eyesMs: stats(since(api.eyesAt)),
    firstStatusMs: stats(since(api.statusAt)),
    apiRequests: api.requests(),
  };
}

/**
 * Ack latency of other deliveries while a job quotes a hostile file into a prompt: the job's runner (in the App's
 * process, as the inline runner is) fences `<` and 1 MiB of spaces with the real `delimitUntrusted` again and again,
 * yielding between quotes as a job does between steps, while `deliveries` signed comments (no command) are posted
 * one after another. The same deliveries are first posted while the job waits without quoting (`idleAckMs`).
 */
async function quotingScenario(remoteUrl: string, sha: string, deliveries: number) {
  const api = await startFakeGitHub(sha);
  const hostile = `<${" ".repeat(1 << 20)}`;
  let mode: "wait" | "quote" | "stop" = "wait";
  const quoteMs: number[] = [];
  let jobStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    jobStarted = resolve;
  });
  const fix = async ({ task }: { task: { baseSha?: string } }) => {
    jobStarted();
    while (mode !== "stop") {
      if (mode === "quote") {
        const at = performance.now();
        delimitUntrusted("file evil.txt", hostile);
        quoteMs.push(performance.now() - at);
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    return runResult({ outcome: "not-fixed", reason: "benchmark runner", baseSha: task.baseSha ?? "" });
  };
  const runner = new ScriptedJobRunner({ fix });
  const h = await startAppHarness({ remoteUrl, baseUrl: api.url, runner, concurrency: 1 });
  const job = issueCommentCreated({ body: "/tanuki fix", number: 1, commentId: COMMENT_ID_BASE + 1 });
  if ((await h.deliver("issue_comment", job)).status !== 200) throw new Error("the job's delivery was refused");
  await started;
  const acks = async () => {
    const ms: number[] = [];
    for (let i = 0; i < deliveries; i += 1) {
      const issue = 1_000 + i;
      const comment = issueCommentCreated({ body: "thanks!", number: issue, commentId: COMMENT_ID_BASE + issue });
      const at = performance.now();
      const res = await h.deliver("issue_comment", comment);
      if (res.status !== 200) throw new Error(`delivery answered ${res.status}`);
      ms.push(performance.now() - at);
    }
    return stats(ms);
  };
  const idleAckMs = await acks();
  mode = "quote";
  const quotingAckMs = await acks();
  mode = "stop";
  await h.app.idle();
  await h.close();
  await api.close();
  return { deliveries, hostileChars: hostile.length, idleAckMs, quotingAckMs, quoteMs: stats(quoteMs) };
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
      eyesAt.set(Number(reaction[1]) - COMMENT_ID_BASE, now);
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
      return json(res, 201, { id, html_url: `https://github.com/${REPO.owner}/${REPO.repo}/runs/${id}` });
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
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    eyesAt,
    statusAt,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
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
