/**
 * Sandbox start-up and exec latency, beside the docker CLI doing the same in the same run:
 * - `coldStartMs`: DockerSandboxProvider.create → first exec (`true`) done → dispose, per iteration
 *   (split into `createMs`, `firstExecMs`, `disposeMs`);
 * - `warmExecMs`: exec(`true`) in one warm sandbox;
 * - `cliRunMs`: `docker run --rm IMAGE true` (no hardening flags);
 * - `cliExecMs`: `docker exec CONTAINER true` into the same warm sandbox container.
 * Each series reports median, p90, min, max and n, in ms. Pure measurement: returns a JSON-able object.
 *
 * Run alone: `npx tsx bench/sandbox-bench.ts [IMAGE]` prints the JSON.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import Dockerode from "dockerode";
import { DockerSandboxProvider } from "../src/sandbox/docker-sandbox.js";
import type { SandboxLimits } from "../src/sandbox/sandbox.js";

const run = promisify(execFile);

const LIMITS: SandboxLimits = {
  cpus: 1,
  memoryBytes: 512 * 1024 * 1024,
  pids: 256,
  commandTimeoutMs: 30_000,
  maxOutputBytes: 1024 * 1024,
  tmpBytes: 64 * 1024 * 1024,
};

/** Summary of one series of timings, ms. */
export interface Series {
  median: number;
  p90: number;
  min: number;
  max: number;
  n: number;
}

/** Median, p90 (nearest rank), min and max of `samples` (ms), rounded to 0.1 ms. */
export function summarize(samples: number[]): Series {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  const mid = sorted.length / 2;
  const median =
    sorted.length % 2 === 1 ? (sorted[Math.floor(mid)] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    median: round(median),
    p90: round(at(0.9)),
    min: round(sorted[0] ?? NaN),
    max: round(at(1)),
    n: sorted.length,
  };
}

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Measures the sandbox against the docker CLI. `iterations` (default 15, at least 10) is the count of each series.
 * Returns `{ skipped }` when no engine answers or the image is missing.
 */
export async function benchSandbox(options: { image: string; iterations?: number }): Promise<Record<string, unknown>> {
  const { image } = options;
  const n = Math.max(10, Math.floor(options.iterations ?? 15));
  const docker = new Dockerode();
  let imageSizeBytes: number;
  try {
    await docker.ping();
    imageSizeBytes = (await docker.getImage(image).inspect()).Size;
  } catch (error) {
    return { skipped: `Docker engine or image ${image} unavailable: ${(error as Error).message}` };
  }

  const provider = new DockerSandboxProvider({ docker });
  const workspace = await mkdtemp(join(tmpdir(), "tanuki-sandbox-bench-"));
  const labels = { "tanuki.job": `bench-${process.pid}` };
  const cold: number[] = [];
  const create: number[] = [];
  const firstExec: number[] = [];
  const dispose: number[] = [];
  const warm: number[] = [];
  const cliRun: number[] = [];
  const cliExec: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      const sandbox = await provider.create({ workspaceDir: workspace, image, limits: LIMITS, labels });
      const t1 = performance.now();
      await sandbox.exec({ command: "true" });
      const t2 = performance.now();
      await sandbox.dispose();
      const t3 = performance.now();
      cold.push(t3 - t0);
      create.push(t1 - t0);
      firstExec.push(t2 - t1);
      dispose.push(t3 - t2);
    }

    const sandbox = await provider.create({ workspaceDir: workspace, image, limits: LIMITS, labels });
    try {
      await sandbox.exec({ command: "true" });
      for (let i = 0; i < n; i++) warm.push(await time(() => sandbox.exec({ command: "true" })));
      await run("docker", ["exec", sandbox.id, "true"]);
      for (let i = 0; i < n; i++) cliExec.push(await time(() => run("docker", ["exec", sandbox.id, "true"])));
    } finally {
      await sandbox.dispose();
    }

    for (let i = 0; i < n; i++) cliRun.push(await time(() => run("docker", ["run", "--rm", image, "true"])));
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }

  return {
    image,
    imageSizeBytes,
    iterations: n,
    unit: "ms",
    coldStartMs: summarize(cold),
    createMs: summarize(create),
    firstExecMs: summarize(firstExec),
    disposeMs: summarize(dispose),
    warmExecMs: summarize(warm),
    cliRunMs: summarize(cliRun),
    cliExecMs: summarize(cliExec),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const image = process.argv[2] ?? process.env.TANUKI_SANDBOX_IMAGE ?? "tanuki-sandbox:latest";
  const result = await benchSandbox({ image });
  console.log(JSON.stringify(result, null, 2));
  if ("skipped" in result) process.exitCode = 1;
}
