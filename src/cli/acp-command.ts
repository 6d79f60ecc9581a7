import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { type AcpRunner, createAcpAgent } from "../acp/acp-agent.js";
import { serveAcp } from "../acp/serve-acp.js";
import { checkSandboxReady } from "../compose/check-sandbox-ready.js";
import { createEngine, type Engine } from "../compose/create-engine.js";
import { readCliEnv } from "../config/cli-env.js";
import { environmentFromProcessEnv } from "../config/environment-config.js";
import { readModelConfig } from "../config/model-config.js";
import type { RunConfig } from "../config/run-config.js";
import { runFix } from "../loop/run-fix.js";
import { runOutputPaths, writeRunOutputs } from "../report/run-outputs.js";
import { checkRepository } from "../workspace/open-work-copy.js";
import { type FixFlags, runConfigFromFlags } from "./fix-options.js";
import { addRunBudgetOptions } from "./flag-parsers.js";

/** Flags of `tanuki acp` (the run flags of `tanuki fix`, less the issue, branch and output folder). */
export interface AcpFlags extends Omit<FixFlags, "issue" | "branch" | "out"> {
  /** Where each prompt's report folder is created. Default `<workspace>/.tanuki/runs`. */
  runsDir?: string;
}

/** The part of the engine a prompt needs: per-run dependencies, and release at the end. */
export type AcpEngine = Pick<Engine, "depsFor" | "dispose">;

/** What `tanuki acp` needs from its process: injected so tests can run it with a scripted engine. */
export interface AcpCommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The editor's requests (newline-delimited JSON-RPC). */
  stdin: NodeJS.ReadableStream;
  /** Answers and notifications to the editor: nothing else is written there. */
  stdout: NodeJS.WritableStream;
  /** Logs (editors show an agent's stderr in their logs). */
  stderr: { write(text: string): void };
  /** Stops serving (SIGINT/SIGTERM). */
  signal?: AbortSignal;
  /** Builds the engine at the first prompt; default the real one (model + Docker + git), after the sandbox check. */
  createEngine?: () => Promise<AcpEngine>;
  /** Checks a session's folder; default {@link checkRepository}. */
  checkWorkspace?: (cwd: string) => Promise<void>;
  version?: string;
}

/** The runner of prompts over a lazily built engine: one engine per process, one trace and report per prompt. */
function promptRunner(
  config: RunConfig,
  runsDir: (repoPath: string) => string,
  engine: () => Promise<AcpEngine>,
): AcpRunner {
  return async ({ task, onEvent, signal }) => {
    const reportDir = join(runsDir(task.repoPath), `${new Date().toISOString().replace(/[:.]/g, "-")}-${task.id}`);
    await mkdir(reportDir, { recursive: true });
    const { deps, closeTrace } = (await engine()).depsFor({ tracePath: runOutputPaths(reportDir).traceJsonl, onEvent });
    try {
      const result = await runFix(task, config, deps, signal);
      await writeRunOutputs(reportDir, result);
      return { result, reportDir };
    } finally {
      await closeTrace();
    }
  };
}

/**
 * `tanuki acp`: Tanuki as an Agent Client Protocol agent on stdin/stdout, for editors that host agents (Zed,
 * JetBrains, Neovim). Each prompt runs the loop on the session's workspace (tests in the Docker sandbox) and offers
 * the change through the editor with its permission (see `createAcpAgent`). The model and the sandbox are checked
 * and loaded at the first prompt, so the editor's handshake is answered at once; a failure there is that prompt's
 * error, and the next prompt tries again.
 *
 * @returns 0 when the editor closes the connection (or on SIGINT/SIGTERM)
 * @throws ConfigError for invalid flags or environment (before anything is served)
 */
export async function runAcpCommand(flags: AcpFlags, context: AcpCommandContext): Promise<number> {
  const env = readCliEnv(context.env);
  const config = runConfigFromFlags(
    { ...flags, issue: "" },
    { sandboxImage: env.TANUKI_SANDBOX_IMAGE, environment: environmentFromProcessEnv(context.env) },
  );
  const buildEngine =
    context.createEngine ??
    (async () => {
      await checkSandboxReady(config.sandbox.image);
      return createEngine({
        modelConfig: readModelConfig(context.env, { adaptersDir: resolve(context.cwd, "adapters") }),
        model: flags.model ?? env.TANUKI_MODEL,
        modelDir: env.TANUKI_MODEL_DIR,
        threads: flags.threads ?? env.TANUKI_THREADS,
        workRoot: env.TANUKI_WORK_DIR,
        signal: context.signal,
      });
    });
  let engine: Promise<AcpEngine> | undefined;
  const getEngine = () => {
    engine ??= buildEngine().catch((error: unknown) => {
      engine = undefined;
      context.stderr.write(`tanuki acp: ${(error as Error).message}\n`);
      throw error;
    });
    return engine;
  };
  const runsDir = (repoPath: string) =>
    flags.runsDir ? resolve(context.cwd, flags.runsDir) : join(repoPath, ".tanuki", "runs");
  const app = createAcpAgent({
    run: promptRunner(config, runsDir, getEngine),
    checkWorkspace: context.checkWorkspace ?? checkRepository,
    version: context.version ?? "0.1.0",
  });
  const connection = serveAcp(app, context.stdin, context.stdout);
  const stop = () => connection.close();
  context.signal?.addEventListener("abort", stop, { once: true });
  try {
    await connection.closed;
  } finally {
    context.signal?.removeEventListener("abort", stop);
    if (engine) await (await engine.catch(() => undefined))?.dispose();
  }
  return 0;
}

/** Registers `tanuki acp` on the program (flags, help), run with the process's streams. */
export function registerAcpCommand(
  program: Command,
  context: { signal: AbortSignal; setExitCode(code: number): void },
): void {
  const command = program
    .command("acp")
    .description("Serve Tanuki as an Agent Client Protocol agent on stdin/stdout (Zed, JetBrains, Neovim)")
    .option("--model <path|uri>", "GGUF model path or URI (default: $TANUKI_MODEL, else the default model)")
    .option("--test-command <cmd>", "override the detected test command (runs in the sandbox)")
    .option("--setup-command <cmd>", "install command of the environment phase (replaces detection)")
    .option("--image <name>", "sandbox image (default: $TANUKI_SANDBOX_IMAGE or tanuki-sandbox:latest)")
    .option("--runs-dir <dir>", "folder of each prompt's report (default: <workspace>/.tanuki/runs)")
    .option("--allow-workflows", "allow edits under .github/workflows/");
  addRunBudgetOptions(command, "per prompt").action(async (flags: AcpFlags) => {
    context.setExitCode(
      await runAcpCommand(flags, {
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
