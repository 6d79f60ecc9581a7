import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { checkSandboxReady } from "../compose/check-sandbox-ready.js";
import { createEngine, type Engine } from "../compose/create-engine.js";
import { readCliEnv } from "../config/cli-env.js";
import { environmentFromProcessEnv } from "../config/environment-config.js";
import { readModelConfig } from "../config/model-config.js";
import type { RunConfig } from "../config/run-config.js";
import { UsageError } from "../core/errors.js";
import type { RunEventListener } from "../core/events.js";
import type { ExternalTools } from "../core/external-tools.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import { diffCommits } from "../github/git-remote.js";
import { stripTerminalControls } from "../intake/terminal-text.js";
import { runFix } from "../loop/run-fix.js";
import { type ReviewRunResult, runReview } from "../loop/run-review.js";
import { runOutputPaths, writeRunOutputs } from "../report/run-outputs.js";
import { gitOutput } from "../workspace/run-git.js";
import { type FixFlags, runConfigFromFlags } from "./fix-options.js";
import { addRunBudgetOptions } from "./flag-parsers.js";
import { openMcpTools } from "./mcp-tools-flag.js";

/** The part of the engine a run needs: per-run dependencies, and release at the end. */
export type RunEngine = Pick<Engine, "depsFor" | "dispose">;

/** Runs of the loop's use-cases for long-lived entry points (`tanuki acp`, `tanuki mcp`) over one shared engine. */
export interface LocalRuns {
  /** `runFix`, with run.json, pr.md and trace.jsonl in a new report folder. */
  fix(
    task: Task,
    config: RunConfig,
    onEvent: RunEventListener,
    signal: AbortSignal,
  ): Promise<{ result: RunResult; reportDir: string }>;
  /**
   * `runReview` of the change from the merge base of `base` and `head` to `head`, with its trace in a new report
   * folder. @throws UsageError when a commit does not exist
   */
  review(
    request: { repoPath: string; base: string; head: string; title?: string },
    config: RunConfig,
    onEvent: RunEventListener,
    signal: AbortSignal,
  ): Promise<ReviewRunResult & { headSha: string }>;
  /** Releases the engine when it was built. */
  dispose(): Promise<void>;
}

/**
 * The full SHA of commit `rev` of the repository at `repoPath`.
 * @throws UsageError when `rev` is not a commit there (or looks like an option)
 */
export async function resolveCommit(repoPath: string, rev: string): Promise<string> {
  if (rev.startsWith("-")) throw new UsageError(`Invalid commit "${rev}"`);
  try {
    return await gitOutput({ repo: repoPath }, ["rev-parse", "--verify", `${rev}^{commit}`]);
  } catch (error) {
    throw new UsageError(`No commit "${rev}" in ${repoPath}`, { cause: error });
  }
}

/**
 * {@link LocalRuns} over an engine built at the first run (so a server answers its handshake at once) and shared
 * by every later one; a failed build is reported with `log` and tried again by the next run.
 *
 * @param runsDir  the folder under which each run's report folder is made, per repository
 */
export function createLocalRuns(options: {
  buildEngine: () => Promise<RunEngine>;
  runsDir: (repoPath: string) => string;
  log: (line: string) => void;
}): LocalRuns {
  let engine: Promise<RunEngine> | undefined;
  const getEngine = () => {
    engine ??= options.buildEngine().catch((error: unknown) => {
      engine = undefined;
      options.log(`tanuki: ${(error as Error).message}`);
      throw error;
    });
    return engine;
  };
  const reportDir = async (repoPath: string, id: string) => {
    const dir = join(options.runsDir(repoPath), `${new Date().toISOString().replace(/[:.]/g, "-")}-${id}`);
    await mkdir(dir, { recursive: true });
    return dir;
  };
  return {
    async fix(task, config, onEvent, signal) {
      const dir = await reportDir(task.repoPath, task.id);
      const { deps, closeTrace } = (await getEngine()).depsFor({ tracePath: runOutputPaths(dir).traceJsonl, onEvent });
      try {
        const result = await runFix(task, config, deps, signal);
        await writeRunOutputs(dir, result);
        return { result, reportDir: dir };
      } finally {
        await closeTrace();
      }
    },
    async review(request, config, onEvent, signal) {
      const resolve = (rev: string) => resolveCommit(request.repoPath, rev);
      const [base, headSha] = [await resolve(request.base), await resolve(request.head)];
      const diff = await diffCommits(request.repoPath, base, headSha, true);
      const id = `review-${headSha.slice(0, 12)}`;
      const dir = await reportDir(request.repoPath, id);
      const { deps, closeTrace } = (await getEngine()).depsFor({ tracePath: runOutputPaths(dir).traceJsonl, onEvent });
      try {
        const review = await runReview(
          { id, repoPath: request.repoPath, headSha, diff, ...(request.title ? { title: request.title } : {}) },
          config,
          deps,
          signal,
        );
        return { ...review, headSha };
      } finally {
        await closeTrace();
      }
    },
    async dispose() {
      if (engine) await (await engine.catch(() => undefined))?.dispose();
    },
  };
}

/**
 * The real engine's builder for {@link createLocalRuns}: checks the Docker engine and sandbox image first (a missing
 * one is reported in a second), then loads the model (`--model`, else `TANUKI_MODEL`, else the default) or connects
 * to the OpenAI-compatible backend, as `tanuki fix` does.
 */
export function realEngine(options: {
  config: RunConfig;
  model?: string;
  threads?: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}): () => Promise<RunEngine> {
  return async () => {
    const env = readCliEnv(options.env);
    await checkSandboxReady(options.config.sandbox.image);
    return createEngine({
      modelConfig: readModelConfig(options.env, { adaptersDir: resolve(options.cwd, "adapters") }),
      model: options.model ?? env.TANUKI_MODEL,
      modelDir: env.TANUKI_MODEL_DIR,
      threads: options.threads ?? env.TANUKI_THREADS,
      workRoot: env.TANUKI_WORK_DIR,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  };
}

/**
 * `build`, plus the tools of `open` (the `--mcp-config` servers) in every run's dependencies: opened once, after the
 * engine, and closed with it. A failure to open them disposes the engine and fails that build (the next run tries
 * again, as for the engine).
 */
export function withExternalTools(
  build: () => Promise<RunEngine>,
  open: () => Promise<ExternalTools | undefined>,
): () => Promise<RunEngine> {
  return async () => {
    const engine = await build();
    let tools: ExternalTools | undefined;
    try {
      tools = await open();
    } catch (error) {
      await engine.dispose();
      throw error;
    }
    if (!tools) return engine;
    const externalTools = tools;
    return {
      depsFor: (job) => {
        const built = engine.depsFor(job);
        return { ...built, deps: { ...built.deps, externalTools } };
      },
      dispose: async () => {
        await externalTools.close();
        await engine.dispose();
      },
    };
  };
}

/** What a long-lived command (`tanuki acp`, `tanuki mcp`) needs from its process: injected so tests can run it. */
export interface ServerCommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The client's requests (stdio transports). */
  stdin: NodeJS.ReadableStream;
  /** Answers and notifications to the client: nothing else is written there. */
  stdout: NodeJS.WritableStream;
  /** Logs (clients show a server's stderr in their logs). */
  stderr: { write(text: string): void };
  /** Stops serving (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Builds the engine at the first run; default {@link realEngine}. */
  createEngine?: () => Promise<RunEngine>;
  version?: string;
}

/**
 * The run configuration (from the run flags `tanuki fix` also takes, and the environment) and the shared
 * {@link LocalRuns} of a long-lived command; reports go under `flags.runsDir`, else `<repository>/.tanuki/runs`.
 * With `flags.mcpConfig`, the listed MCP servers are started with the engine, at the first run, and their
 * allowlisted tools offered to every run's planner (see `openMcpTools`).
 *
 * @throws ConfigError for invalid flags or environment
 */
export function localRunsFor(
  flags: Omit<FixFlags, "issue"> & { runsDir?: string },
  context: ServerCommandContext,
): { config: RunConfig; runs: LocalRuns } {
  const env = readCliEnv(context.env);
  const config = runConfigFromFlags(
    { ...flags, issue: "" },
    { sandboxImage: env.TANUKI_SANDBOX_IMAGE, environment: environmentFromProcessEnv(context.env) },
  );
  const log = (line: string) => context.stderr.write(`${stripTerminalControls(line)}\n`);
  const build =
    context.createEngine ??
    realEngine({
      config,
      model: flags.model,
      threads: flags.threads,
      cwd: context.cwd,
      env: context.env,
      ...(context.signal ? { signal: context.signal } : {}),
    });
  const runs = createLocalRuns({
    buildEngine: withExternalTools(build, () =>
      openMcpTools(flags.mcpConfig, { cwd: context.cwd, env: context.env, log, version: context.version }),
    ),
    runsDir: (repoPath) => (flags.runsDir ? resolve(context.cwd, flags.runsDir) : join(repoPath, ".tanuki", "runs")),
    log: (line) => context.stderr.write(`${line}\n`),
  });
  return { config, runs };
}

/**
 * Adds the run options a long-lived command shares (`--model`, `--setup-command`, `--image`, `--runs-dir`,
 * `--allow-workflows`, `--mcp-config` and the budgets of {@link addRunBudgetOptions}) and an action that runs
 * `run` with the process's streams and sets the exit code.
 */
export function withServerRunOptions<F>(
  command: Command,
  per: string,
  context: { signal: AbortSignal; setExitCode(code: number): void },
  run: (flags: F, io: ServerCommandContext & { signal: AbortSignal }) => Promise<number>,
): Command {
  command
    .option("--model <path|uri>", "GGUF model path or URI (default: $TANUKI_MODEL, else the default model)")
    .option("--setup-command <cmd>", "install command of the environment phase (replaces detection)")
    .option("--image <name>", "sandbox image (default: $TANUKI_SANDBOX_IMAGE or tanuki-sandbox:latest)")
    .option(
      "--runs-dir <dir>",
      `folder of each ${per.replace(/^per /, "")}'s report (default: <repository>/.tanuki/runs)`,
    )
    .option("--allow-workflows", "allow edits under .github/workflows/")
    .option("--mcp-config <file>", "MCP servers (YAML/JSON) whose allowlisted tools the planner may call");
  return addRunBudgetOptions(command, per).action(async (flags: F) => {
    context.setExitCode(
      await run(flags, {
        cwd: process.cwd(),
        env: process.env,
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        signal: context.signal,
      }),
    );
  });
}
