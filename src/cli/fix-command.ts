import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { checkSandboxReady } from "../compose/check-sandbox-ready.js";
import { createLocalEngine, type LocalEngine } from "../compose/create-local-engine.js";
import { readCliEnv } from "../config/cli-env.js";
import { environmentFromProcessEnv } from "../config/environment-config.js";
import { readModelConfig } from "../config/model-config.js";
import { UsageError } from "../core/errors.js";
import type { ExternalTools } from "../core/external-tools.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import { describeTestCounts } from "../core/test-report.js";
import { stripTerminalControls } from "../intake/terminal-text.js";
import { runFix } from "../loop/run-fix.js";
import { runOutputPaths, writeRunOutputs } from "../report/run-outputs.js";
import { exitCodeFor } from "./exit-codes.js";
import { defaultOutDir, type FixFlags, runConfigFromFlags } from "./fix-options.js";
import { openMcpTools } from "./mcp-tools-flag.js";
import { oneLine, ProgressRenderer } from "./progress.js";
import { readIssueArgument } from "./read-issue.js";

/** What `tanuki fix` needs from its process: injected so tests can run it in-process. */
export interface FixCommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): void };
  stderr: { write(text: string): void; isTTY: boolean };
  signal?: AbortSignal;
  /** Builds the engine; defaults to the local one (node-llama-cpp + Docker). */
  createEngine?: typeof createLocalEngine;
  /** Checks the sandbox (engine + image) before the model loads; defaults to {@link checkSandboxReady}. */
  checkSandbox?: (image: string) => Promise<void>;
}

/**
 * `tanuki fix <repo> --issue ...`: run the whole loop on a local repository and leave `run.json`, `pr.md` and
 * `trace.jsonl` in the output folder, plus the branch `tanuki/<slug>` in the repository when there is a result.
 *
 * @returns the exit code (0 fixed, 1 not fixed, 3 environment-error: see exit-codes.ts)
 * @throws UsageError / ConfigError / SandboxError (engine or image missing, checked first) / ModelError for
 *   problems before the loop starts (exit code 2)
 */
export async function runFixCommand(repoArg: string, flags: FixFlags, context: FixCommandContext): Promise<number> {
  const env = readCliEnv(context.env);
  const repoPath = resolve(context.cwd, repoArg);
  if (!existsSync(repoPath)) throw new UsageError(`Repository not found: ${repoPath}`);
  const issue = await readIssueArgument(flags.issue, context.cwd);
  const config = runConfigFromFlags(flags, {
    sandboxImage: env.TANUKI_SANDBOX_IMAGE,
    environment: environmentFromProcessEnv(context.env),
  });
  const threads = flags.threads ?? env.TANUKI_THREADS;
  const outDir = flags.out ? resolve(context.cwd, flags.out) : defaultOutDir(context.cwd, new Date());
  await mkdir(outDir, { recursive: true });
  const paths = runOutputPaths(outDir);

  const progress = new ProgressRenderer({ write: (t) => context.stderr.write(t), isTTY: context.stderr.isTTY });
  const task: Task = {
    id: `cli-${Date.now().toString(36)}`,
    kind: "fix",
    repoPath,
    issue,
    branchName: flags.branch,
  };
  await (context.checkSandbox ?? checkSandboxReady)(config.sandbox.image);
  const engine: LocalEngine = await (context.createEngine ?? createLocalEngine)({
    // The backend comes from the environment this command was given, never from process.env behind its back.
    modelConfig: readModelConfig(context.env, { adaptersDir: resolve(context.cwd, "adapters") }),
    model: flags.model ?? env.TANUKI_MODEL,
    modelDir: env.TANUKI_MODEL_DIR,
    threads,
    tracePath: paths.traceJsonl,
    workRoot: env.TANUKI_WORK_DIR,
    traceMaxBytes: env.TANUKI_TRACE_MAX_BYTES,
    onEvent: progress.onEvent,
    signal: context.signal,
  });
  let result: RunResult;
  let externalTools: ExternalTools | undefined;
  try {
    externalTools = await openMcpTools(flags.mcpConfig, {
      cwd: context.cwd,
      env: context.env,
      log: (line) => context.stderr.write(`${stripTerminalControls(line)}\n`),
    });
    context.stderr.write(
      stripTerminalControls(`tanuki: fixing "${issue.title}" in ${repoPath} with ${engine.modelName}\n`),
    );
    result = await runFix(
      task,
      config,
      { ...engine.deps, ...(externalTools ? { externalTools } : {}) },
      context.signal,
    );
  } finally {
    progress.finish();
    await externalTools?.close();
    await engine.dispose();
  }
  await writeRunOutputs(outDir, result);
  context.stdout.write(formatSummary(result, outDir));
  return exitCodeFor(result.outcome);
}

/** Lines of a failed install's log printed in the summary (all of the tail is in pr.md and run.json). */
const SUMMARY_LOG_LINES = 15;

/** The few lines printed at the end of a run; reasons and logs carry model and test text, so controls are stripped. */
export function formatSummary(result: RunResult, outDir: string): string {
  const lines = [`outcome: ${result.outcome} — ${result.reason}`];
  if (result.tests) {
    const t = result.tests;
    lines.push(`tests: before ${describeTestCounts(t.before)}; after ${describeTestCounts(t.after)}`);
  }
  const env = result.environment;
  if (env?.status === "failed") {
    if (env.command)
      lines.push(
        `setup command: ${oneLine(env.command, 500)}${env.exitCode !== undefined ? ` (exit ${env.exitCode})` : ""}`,
      );
    const tail = env.logTail
      .split("\n")
      .filter((line) => line.trim() !== "")
      .slice(-SUMMARY_LOG_LINES);
    if (tail.length > 0) lines.push("last lines of its log:", ...tail.map((line) => `  ${oneLine(line, 300)}`));
  }
  if (result.branch) lines.push(`branch: ${result.branch} (${result.headSha?.slice(0, 12)})`);
  lines.push(`report: ${outDir}/pr.md, ${outDir}/run.json, ${outDir}/trace.jsonl`);
  return stripTerminalControls(`${lines.join("\n")}\n`);
}
