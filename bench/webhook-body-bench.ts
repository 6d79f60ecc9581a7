/**
 * Memory of the App under an oversized webhook body: `tanuki app` runs as a real HTTP server in a child process
 * (bench/app-process.ts) and a sender streams 400 MiB at it on a raw socket without a valid signature (wrong, then
 * missing), ignoring the 413 and writing on until the connection is closed under it. Per attack: the App's peak RSS
 * (`VmHWM`, reset before each attack through `/proc/<pid>/clear_refs`), the status, and the body bytes the sender had
 * written when the answer came and when the connection closed. Linux only (reads /proc).
 *
 * Run alone: `npx tsx bench/webhook-body-bench.ts`.
 */
import { spawn } from "node:child_process";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { GITHUB_PAYLOAD_LIMIT_BYTES } from "../src/app/capped-body.js";
import { streamBody } from "../test/helpers/stream-body.js";

const MiB = 1024 * 1024;
const CHILD = fileURLToPath(new URL("./app-process.ts", import.meta.url));

/**
 * Run the benchmark.
 * @param bodyBytes size of each streamed body, bytes (default 400 MiB)
 * @returns `{ limitBytes, bodyBytes, idleRssBytes, attacks: { [name]: { status, sentBeforeAnswerBytes,
 *   sentBeforeCloseBytes, bodyEnded, rssBeforeBytes, peakRssBytes, ms } } }` (bytes, ms), or `{ skipped }` off Linux
 */
export async function benchWebhookBody(bodyBytes = 400 * MiB): Promise<Record<string, unknown>> {
  if (process.platform !== "linux") return { skipped: "reads the App's peak RSS from /proc (Linux only)" };
  const dataDir = mkdtempSync(join(tmpdir(), "tanuki-body-bench-"));
  const port = await freePort();
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs1", format: "pem" })
    .toString();
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env: {
      ...process.env,
      APP_ID: "1",
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: "bench-secret",
      HOST: "127.0.0.1",
      PORT: String(port),
      TANUKI_DATA_DIR: dataDir,
      TANUKI_RUNNER: "actions",
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(`${base}/healthz`, exited);
    const pid = child.pid as number;
    const idleRssBytes = procStatus(pid, "VmRSS");
    const attacks: Record<string, unknown> = {};
    const signatures: Record<string, string | undefined> = {
      wrongSignature: `sha256=${"0".repeat(64)}`,
      missingSignature: undefined,
    };
    for (const [name, signature] of Object.entries(signatures)) {
      writeFileSync(`/proc/${pid}/clear_refs`, "5"); // resets VmHWM to the current RSS
      const rssBeforeBytes = procStatus(pid, "VmRSS");
      const started = performance.now();
      const answer = await streamBody(`${base}/api/github/webhooks`, bodyBytes, headers(signature), {
        keepSending: true,
      });
      attacks[name] = {
        status: answer.status,
        sentBeforeAnswerBytes: answer.sentBeforeAnswer,
        sentBeforeCloseBytes: answer.sentBeforeClose,
        bodyEnded: answer.bodyEndedBeforeClose,
        rssBeforeBytes,
        peakRssBytes: procStatus(pid, "VmHWM"),
        ms: Math.round(performance.now() - started),
      };
    }
    return { limitBytes: GITHUB_PAYLOAD_LIMIT_BYTES, bodyBytes, idleRssBytes, attacks };
  } finally {
    child.kill("SIGTERM");
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function headers(signature: string | undefined): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-github-event": "issue_comment",
    "x-github-delivery": randomUUID(),
    ...(signature ? { "x-hub-signature-256": signature } : {}),
  };
}

/** A line of /proc/<pid>/status in bytes (`VmRSS`, `VmHWM`; the kernel writes kB). */
function procStatus(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? "")?.[1] ?? Number.NaN) * 1024;
}

/** A port that was free a moment ago (the App takes `PORT` from its environment). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 200; rejects when the App exits first or after 60 s. */
async function waitForHealth(url: string, exited: Promise<void>): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  for (let i = 0; i < 600; i += 1) {
    if (gone) throw new Error("the App exited before it served /healthz");
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the App did not serve /healthz within 60 s");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(JSON.stringify(await benchWebhookBody(), null, 2));
}
