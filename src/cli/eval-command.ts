import { availableParallelism, homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Command, Option } from "commander";
import { checkSandboxReady } from "../compose/check-sandbox-ready.js";
import { createEngine, type Engine } from "../compose/create-engine.js";
import { readCliEnv } from "../config/cli-env.js";
import { environmentFromProcessEnv } from "../config/environment-config.js";
import { readModelConfig } from "../config/model-config.js";
import { UsageError } from "../core/errors.js";
import { DockerEnvironmentProvider } from "../environment/docker-environment-provider.js";
import { imageEnvironments } from "../eval/environments.js";
import type { PatchSource } from "../eval/evaluate-instance.js";
import { phaseEnvironments, taskEnvironments } from "../eval/phase-environments.js";
import { readTaskFile } from "../eval/read-task-file.js";
import { localRepos, remoteRepos } from "../eval/repo-source.js";
import { evalPaths, readPredictions } from "../eval/results-files.js";
import { type EvalProgress, runEval } from "../eval/run-eval.js";
import { createScoringDeps } from "../eval/scoring-deps.js";
import { writeRunOutputs } from "../report/run-outputs.js";
import { runEvalCompare } from "./eval-compare-command.js";
import { EXIT_NOT_FIXED } from "./exit-codes.js";
import { defaultOutDir, runConfigFromFlags } from "./fix-options.js";
import { addRunBudgetOptions, minutesToMs, type RunBudgetFlags, wholeNumber } from "./flag-parsers.js";
import { formatElapsed } from "./progress.js";

/** Flags of `tanuki eval`, as commander hands them over. */
export interface EvalFlags extends RunBudgetFlags {
  out?: string;
  suite?: string;
  gold?: boolean;
  predictions?: string;
  reposDir?: string;
  githubHost?: string;
  repoCache?: string;
  image?: string;
  imageTemplate?: string;
  setupCommand?: string;
  instances?: string;
  workers?: number;
  rerun?: boolean | string;
  /** `--score-timeout`, given in minutes, held in ms. */
  scoreTimeout?: number;
  model?: string;
}

/** What `tanuki eval` needs from its process: injected so tests can run it in-process. */
export interface EvalCommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  signal?: AbortSignal;
  /** Builds the engine for Tanuki runs; default {@link createEngine} (tests pass a scripted model's). */
  createEngine?: (options: Parameters<typeof createEngine>[0]) => Promise<Engine>;
  /** Checks the sandbox image before anything runs; default {@link checkSandboxReady}. */
  checkSandbox?: (image: string) => Promise<void>;
}

/** Suites shipped with Tanuki: `evals/<name>.jsonl` in the package. */
export function suitePath(name: string): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new UsageError(`Unknown suite "${name}" (try: starter)`);
  return resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "evals", `${name}.jsonl`);
}

/**
 * `tanuki eval [TASKS] --out DIR`: runs Tanuki (or `--gold`, or `--predictions FILE`) on every task of a
 * SWE-bench-format file (or `--suite NAME`), scores each patch in the sandbox, and writes predictions.jsonl,
 * results.jsonl, summary.json and report.html into DIR. Resumes a run in DIR; Ctrl-C keeps finished tasks.
 *
 * @returns 0 when every task ran, 1 when interrupted
 * @throws UsageError / ConfigError / SandboxError / ModelError for problems before the first task (exit 2)
 */
export async function runEvalCommand(
  tasksArg: string | undefined,
  flags: EvalFlags,
  context: EvalCommandContext,
): Promise<number> {
  if (!tasksArg === !flags.suite) throw new UsageError("Give a task file or --suite NAME (one of them)");
  if (flags.gold && flags.predictions) throw new UsageError("--gold and --predictions exclude each other");
  const env = readCliEnv(context.env);
  const taskPath = flags.suite ? suitePath(flags.suite) : resolve(context.cwd, tasksArg as string);
  const file = await readTaskFile(taskPath);
  for (const problem of file.problems) {
    context.stderr.write(`tanuki: ${taskPath}:${problem.line}: skipped: ${problem.message}\n`);
  }
  const only = flags.instances ? new Set(flags.instances.split(",").map((id) => id.trim())) : undefined;
  const instances = only ? file.instances.filter((i) => only.has(i.instance_id)) : file.instances;
  if (instances.length === 0) throw new UsageError(`No task to run in ${taskPath}`);

  const config = runConfigFromFlags(
    { ...flags, issue: "", setupCommand: undefined },
    { sandboxImage: env.TANUKI_SANDBOX_IMAGE, environment: environmentFromProcessEnv(context.env) },
  );
  config.sandbox.limits.commandTimeoutMs = flags.scoreTimeout ?? 30 * 60_000;
  await (context.checkSandbox ?? checkSandboxReady)(config.sandbox.image);

  const outDir = flags.out ? resolve(context.cwd, flags.out) : defaultOutDir(context.cwd, new Date());
  const workRoot = env.TANUKI_WORK_DIR;
  let engine: Engine | undefined;
  let source: PatchSource;
  if (flags.gold) source = { kind: "gold" };
  else if (flags.predictions) {
    source = { kind: "predictions", patches: await readPredictions(resolve(context.cwd, flags.predictions)) };
  } else {
    engine = await (context.createEngine ?? createEngine)({
      modelConfig: readModelConfig(context.env, { adaptersDir: resolve(context.cwd, "adapters") }),
      model: flags.model ?? env.TANUKI_MODEL,
      modelDir: env.TANUKI_MODEL_DIR,
      threads: flags.threads ?? env.TANUKI_THREADS,
      ...(workRoot ? { workRoot } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
    const built = engine;
    source = {
      kind: "tanuki",
      modelName: `tanuki/${built.model.name}`,
      loopDeps: (job) => built.depsFor({ tracePath: job.tracePath }),
    };
  }
  const parallel = source.kind !== "tanuki" || readModelConfig(context.env, { adaptersDir: "" }).backend === "openai";
  const workers = flags.workers ?? (parallel ? Math.max(1, Math.floor(availableParallelism() / 2)) : 1);
  const repos = flags.reposDir
    ? localRepos(resolve(context.cwd, flags.reposDir))
    : remoteRepos({
        host: flags.githubHost ?? "github.com",
        cacheDir: flags.repoCache
          ? resolve(context.cwd, flags.repoCache)
          : join(homedir(), ".cache", "tanuki", "repos"),
      });
  const score = engine
    ? { sandboxes: engine.sandboxes, workspaces: engine.workspaces, workRoot: engine.workRoot }
    : createScoringDeps(workRoot);
  const environments = taskEnvironments({
    hasTemplate: flags.imageTemplate !== undefined,
    prebuilt: imageEnvironments({
      defaultImage: config.sandbox.image,
      ...(flags.imageTemplate ? { template: flags.imageTemplate } : {}),
      ...(flags.setupCommand ? { setupCommand: flags.setupCommand } : {}),
    }),
    phase: phaseEnvironments({
      provider: engine?.environments ?? new DockerEnvironmentProvider({ sandboxes: score.sandboxes }),
      workspaces: score.workspaces,
      workRoot: score.workRoot,
      sandboxImage: config.sandbox.image,
      config: config.environment,
      limits: config.sandbox.limits,
      ...(flags.setupCommand ? { setupCommand: flags.setupCommand } : {}),
    }),
  });
  const rerun =
    flags.rerun === undefined || flags.rerun === false ? "none" : flags.rerun === "errors" ? "errors" : "all";

  context.stderr.write(
    `tanuki: evaluating ${instances.length} tasks from ${taskPath} into ${outDir} (${workers} at a time)\n`,
  );
  try {
    const run = await runEval({
      instances,
      outDir,
      source,
      repos,
      environments,
      config,
      score,
      workers,
      rerun,
      writeRunFiles: writeRunOutputs,
      ...(context.signal ? { signal: context.signal } : {}),
      onProgress: (progress) => context.stderr.write(formatProgress(progress)),
    });
    const paths = evalPaths(outDir);
    const s = run.summary;
    context.stdout.write(
      `${[
        `resolved: ${s.resolved}/${s.total} (${(100 * s.rate).toFixed(1)}%, 95% CI ${(100 * s.interval95.low).toFixed(1)}–${(100 * s.interval95.high).toFixed(1)}%)`,
        ...(s.gold
          ? [
              `valid tasks: ${s.gold.valid}/${s.total}${s.gold.invalid.length ? ` (invalid: ${s.gold.invalid.join(", ")})` : ""}`,
            ]
          : []),
        `files: ${paths.predictions}, ${paths.results}, ${paths.summary}, ${paths.report}`,
        ...(run.interrupted
          ? [`interrupted: ${run.ran} tasks finished in this run are kept; run the same command to resume`]
          : []),
      ].join("\n")}\n`,
    );
    return run.interrupted ? EXIT_NOT_FIXED : 0;
  } finally {
    await engine?.dispose();
  }
}

/** One progress line: done/total, resolved so far, ETA, and the task that just finished. */
export function formatProgress(p: EvalProgress): string {
  const eta = p.etaMs === undefined ? "?" : formatElapsed(p.etaMs);
  const took = p.last.wallMs || p.last.harness?.scoreMs || 0;
  return `[${p.done}/${p.total}] resolved ${p.resolved} · ETA ${eta} · ${p.last.instance_id}: ${p.last.status} (${formatElapsed(took)})\n`;
}

/**
 * Registers `tanuki eval` (run, the default) and `tanuki eval compare A B` on the program.
 * @param context  the process's streams and cancel signal; `setExitCode` receives the command's exit code
 */
export function registerEvalCommand(
  program: Command,
  context: Omit<EvalCommandContext, "cwd" | "env" | "stdout" | "stderr"> & { setExitCode(code: number): void },
): void {
  const io = () => ({ cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr });
  const evalCommand = program
    .command("eval")
    .description("Measure Tanuki's resolve rate on SWE-bench-format tasks, and compare runs");
  const runCommand = evalCommand
    .command("run", { isDefault: true })
    .description("Run and score every task of a task file (JSONL or JSON array) or a bundled suite")
    .argument("[tasks]", "SWE-bench-format task file")
    .option("--out <dir>", "output folder; an existing run there is resumed (default: ./.tanuki/runs/<time>)")
    .option("--suite <name>", "a suite shipped with Tanuki instead of a file (starter)")
    .option("--gold", "score the gold patches instead of running Tanuki (checks that each task is valid)")
    .option("--predictions <file>", "score the patches of a predictions.jsonl instead of running Tanuki")
    .option(
      "--repos-dir <dir>",
      "take repositories from DIR/<owner>__<name> (clone or bare mirror); nothing is fetched",
    )
    .option("--github-host <host>", "host to clone https://<host>/<owner>/<name> from (default github.com)")
    .option("--repo-cache <dir>", "where cloned repositories are kept (default ~/.cache/tanuki/repos)")
    .option("--image <name>", "sandbox image for every task (default: $TANUKI_SANDBOX_IMAGE or tanuki-sandbox:latest)")
    .option("--image-template <template>", "image per task, e.g. swebench/sweb.eval.x86_64.{sweb_id}:latest")
    .option(
      "--setup-command <cmd>",
      "install command of every task's environment (replaces detection; registries only)",
    )
    .option("--instances <ids>", "only these instance ids (comma-separated)")
    .addOption(
      new Option(
        "--workers <n>",
        "tasks run at the same time (default: 1 with the local model, else half the CPUs)",
      ).argParser(wholeNumber(1)),
    )
    .option("--rerun [which]", "run finished tasks again: all (default) or errors")
    .addOption(
      new Option("--score-timeout <minutes>", "time limit of the scoring tests per task (default 30)").argParser(
        minutesToMs,
      ),
    )
    .option("--model <path|uri>", "GGUF model path or URI (default: $TANUKI_MODEL, else the default model)");
  addRunBudgetOptions(runCommand, "per task").action(async (tasks: string | undefined, flags: EvalFlags) => {
    context.setExitCode(await runEvalCommand(tasks, flags, { ...io(), ...context }));
  });
  evalCommand
    .command("compare")
    .description("Pair two evaluation folders by task: both/only A/only B/neither, exact McNemar p-value, ratios")
    .argument("<a>", "output folder (or results.jsonl) of run A")
    .argument("<b>", "output folder (or results.jsonl) of run B")
    .option("--out <file>", "comparison page (default: <b>/compare.html)")
    .action(async (a: string, b: string, flags: { out?: string }) => {
      context.setExitCode(await runEvalCompare(a, b, flags, io()));
    });
}
