/**
 * Orchestration overhead of one fix run: the whole loop on a real git repository and the real Docker sandbox,
 * driven by a zero-latency scripted model, so every millisecond measured is Tanuki's own (or the sandbox's, or
 * git's). Reports total and per-phase ms, split into sandbox, git and everything else.
 *
 * Runnable alone: `npx tsx bench/loop-bench.ts`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import Dockerode from "dockerode";
import { capRosterTokens, DEFAULT_ROSTER } from "../src/agents/roster.js";
import { RunConfig } from "../src/config/run-config.js";
import { TreeSitterExplorer } from "../src/context/tree-sitter-explorer.js";
import { runFix } from "../src/loop/run-fix.js";
import { DockerSandboxProvider } from "../src/sandbox/docker-sandbox.js";
import type { Sandbox, SandboxProvider } from "../src/sandbox/sandbox.js";
import { GitWorkspaceProvider } from "../src/workspace/git-workspace.js";
import type { Workspace, WorkspaceProvider } from "../src/workspace/workspace.js";
import { MemoryTrace } from "../test/helpers/memory-trace.js";
import { ScriptedModel } from "../test/helpers/scripted-model.js";
import { createBuggyPythonRepo, FIX_EDIT, ISSUE } from "../test/unit/loop/fixtures/buggy-python-repo.js";
import { baseScript } from "../test/unit/loop/run-fix-harness.js";

/** Accumulated ms per bucket. */
class Stopwatch {
  readonly ms: Record<string, number> = {};
  async time<T>(bucket: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.ms[bucket] = (this.ms[bucket] ?? 0) + performance.now() - start;
    }
  }
}

/** Wrap every async method of `target` so its time is added to `bucket`. */
function timed<T extends object>(target: T, bucket: string, watch: Stopwatch): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      const value = Reflect.get(object, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const out = value.apply(object, args);
        return out instanceof Promise ? watch.time(bucket, () => out) : out;
      };
    },
  });
}

function timedSandboxes(inner: SandboxProvider, watch: Stopwatch): SandboxProvider {
  return {
    create: (options) =>
      watch.time("sandbox", () => inner.create(options)).then((s: Sandbox) => timed(s, "sandbox", watch)),
  };
}

function timedWorkspaces(inner: WorkspaceProvider, watch: Stopwatch): WorkspaceProvider {
  return {
    open: (repo, options) =>
      watch.time("git", () => inner.open(repo, options)).then((w: Workspace) => timed(w, "git", watch)),
  };
}

/** One measured run; `runs` repeats it and reports medians. */
export async function benchLoop(options: { image: string; runs?: number }): Promise<Record<string, unknown>> {
  try {
    await new Dockerode().getImage(options.image).inspect();
  } catch {
    return { skipped: `no Docker engine or no ${options.image} image (npm run docker:start && npm run sandbox:image)` };
  }
  const runs = Math.max(1, options.runs ?? 3);
  const samples: Record<string, number>[] = [];
  for (let i = 0; i < runs; i += 1) samples.push(await measureOnce(options.image, i));
  const keys = Object.keys(samples[0] ?? {});
  const median = (key: string) => {
    const values = samples.map((s) => s[key] ?? 0).sort((a, b) => a - b);
    return Math.round(values[Math.floor(values.length / 2)] ?? 0);
  };
  return {
    description: "one fix run (2 attempts, 2 plans) with a zero-latency scripted model; real git and Docker sandbox",
    runs,
    medianMs: Object.fromEntries(
      keys.filter((key) => key.endsWith("Ms") || key.startsWith("phase.")).map((key) => [key, median(key)]),
    ),
    counts: Object.fromEntries(
      keys.filter((key) => !key.endsWith("Ms") && !key.startsWith("phase.")).map((key) => [key, median(key)]),
    ),
  };
}

async function measureOnce(image: string, index: number): Promise<Record<string, number>> {
  const { repo, root } = await createBuggyPythonRepo();
  const workRoot = await mkdtemp(join(tmpdir(), "tanuki-bench-work-"));
  const watch = new Stopwatch();
  const script = baseScript();
  script["tanuki-coder"] = [{ explanation: "guard", edits: [FIX_EDIT] }];
  const model = new ScriptedModel(script);
  const testRuns = { before: 0, after: 0 };
  try {
    const start = performance.now();
    const result = await runFix(
      { id: `bench-${process.pid}-${index}`, kind: "fix", repoPath: repo, issue: { ...ISSUE } },
      RunConfig.parse({ budgets: { maxAttempts: 2 }, planCandidates: 2, sandbox: { image } }),
      {
        model,
        sandboxes: timedSandboxes(new DockerSandboxProvider(), watch),
        workspaces: timedWorkspaces(new GitWorkspaceProvider(), watch),
        explorer: new TreeSitterExplorer(),
        trace: new MemoryTrace(),
        onEvent: (event) => {
          if (event.type === "tests") testRuns[event.which] += 1;
        },
        workRoot,
        roster: capRosterTokens(DEFAULT_ROSTER, 2048),
      },
    );
    const totalMs = performance.now() - start;
    if (result.outcome !== "fixed")
      throw new Error(`bench run did not fix the bug: ${result.outcome} ${result.reason}`);
    const sandbox = watch.ms.sandbox ?? 0;
    const git = watch.ms.git ?? 0;
    const phases = Object.fromEntries(
      Object.entries(result.timings)
        .filter(([key]) => key !== "totalMs")
        .map(([key, ms]) => [`phase.${key}`, ms ?? 0]),
    );
    return {
      totalMs,
      sandboxMs: sandbox,
      gitMs: git,
      otherMs: totalMs - sandbox - git,
      ...phases,
      // Counts, not ms: what a fixed run costs in model calls and test runs (verification: 1 to 3 per attempt).
      modelCallsPerFixedRun: result.usage.calls,
      attempts: result.attempts.length,
      verificationTestRunsPerAttempt: testRuns.after / Math.max(1, result.attempts.length),
      perTestProof: result.attempts.at(-1)?.proof?.mode === "per-test" ? 1 : 0,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
    await rm(workRoot, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(
    JSON.stringify(await benchLoop({ image: process.env.TANUKI_SANDBOX_IMAGE ?? "tanuki-sandbox:latest" }), null, 2),
  );
}
