import { Command, CommanderError, Option } from "commander";
import { isTanukiError } from "../core/errors.js";
import { registerAcpCommand } from "./acp-command.js";
import { type AdaptersFlags, runAdaptersCommand } from "./adapters-command.js";
import { runAppCommand } from "./app-command.js";
import { type DoctorFlags, runDoctorCommand } from "./doctor-command.js";
import { type EnvPruneFlags, runEnvListCommand, runEnvPruneCommand } from "./env-command.js";
import { registerEvalCommand } from "./eval-command.js";
import { EXIT_NOT_FIXED, EXIT_USAGE } from "./exit-codes.js";
import { runFixCommand } from "./fix-command.js";
import type { FixFlags } from "./fix-options.js";
import { addRunBudgetOptions, commaList, minutesToMs, wholeNumber } from "./flag-parsers.js";
import { registerMcpCommand } from "./mcp-command.js";
import { type ModelsPullFlags, runModelsPullCommand } from "./models-command.js";
import { runServeCommand, type ServeFlags } from "./serve-command.js";

/**
 * The `tanuki` command line. Thin: parses flags, calls a command function, maps errors to exit codes
 * (2 for usage, configuration and setup problems; 1 for a crash after the run started).
 */
export async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  const onSignal = () => {
    process.stderr.write("\ntanuki: cancelling (Ctrl-C again to force)…\n");
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  let exitCode = 0;
  const program = new Command()
    .name("tanuki")
    .description("Self-hosted multi-agent coding bot: plan, edit, test in a sandbox, review, and report.")
    .exitOverride()
    .showHelpAfterError();

  const fix = program
    .command("fix")
    .description("Fix an issue in a local git repository and leave a tanuki/<slug> branch with the result")
    .argument("<repo>", "path of the git repository")
    .requiredOption("--issue <text|@file>", "the issue: text, or @path to a Markdown file (first line = title)")
    .option(
      "--model <path|uri>",
      "GGUF model path or URI (default: $TANUKI_MODEL, else a small code model downloaded on first use)",
    )
    .option("--out <dir>", "output folder for run.json, pr.md and trace.jsonl (default: ./.tanuki/runs/<time>)")
    .option("--test-command <cmd>", "override the detected test command (runs in the sandbox)")
    .option("--setup-command <cmd>", "install command of the environment phase (replaces detection; registries only)")
    .addOption(
      new Option(
        "--allow-host <hosts>",
        "comma-separated hosts the install may reach besides the package registries",
      ).argParser(commaList),
    )
    .option("--npm-registry <url>", "npm registry mirror for the install (default: $TANUKI_NPM_REGISTRY)")
    .option("--pip-index-url <url>", "Python package index mirror for the install (default: $TANUKI_PIP_INDEX_URL)")
    .option(
      "--ca-bundle <path|none>",
      "CA bundle trusted by the install (default: $NODE_EXTRA_CA_CERTS, $SSL_CERT_FILE or the system's)",
    )
    .addOption(new Option("--setup-timeout <minutes>", "time limit of the install (default 20)").argParser(minutesToMs))
    .option("--no-env-cache", "install from scratch instead of reusing a cached environment")
    .option("--image <name>", "sandbox image (default: $TANUKI_SANDBOX_IMAGE or tanuki-sandbox:latest)")
    .option("--branch <name>", "result branch name (must start with tanuki/)")
    .option("--allow-workflows", "allow edits under .github/workflows/")
    .option("--mcp-config <file>", "MCP servers (YAML/JSON) whose allowlisted tools the planner may call");
  addRunBudgetOptions(fix, "for the run").action(async (repo: string, flags: FixFlags) => {
    exitCode = await runFixCommand(repo, flags, {
      cwd: process.cwd(),
      env: process.env,
      stdout: process.stdout,
      stderr: process.stderr,
      signal: controller.signal,
    });
  });

  program
    .command("app")
    .description("Start the GitHub App server (webhooks; without credentials, the app setup flow)")
    .action(async () => {
      // Serves until Ctrl-C / SIGTERM, then cancels running jobs (reported as cancelled) and stops.
      await runAppCommand(process.env, controller.signal);
    });

  program
    .command("serve")
    .description("Serve the local model as an OpenAI-compatible API, one model id per agent (with its LoRA adapter)")
    .option("--host <host>", "interface to bind (default 127.0.0.1; anything else requires a token)")
    .option("--port <port>", "port, 0 = any free port (default 8088)")
    .option("--model <path|uri>", "GGUF model path or URI (default: $TANUKI_MODEL, else the default model)")
    .option("--token <token>", "bearer token clients must send (default: $TANUKI_SERVE_TOKEN)")
    .option("--threads <n>", "generation threads (default: chosen from the CPUs available)")
    .option("--sequences <n>", "parallel requests per agent context (default 1)")
    .option("--context-size <tokens>", "context size per sequence (default: the model's, at most 8192)")
    .option("--rate-limit <n>", "requests per client per minute (default 120)")
    .option("--max-body <bytes>", "largest request body (default 1 MiB)")
    .option("--team-plans <n>", "candidate plans per tanuki-team answer (default 2)")
    .option("--team-rounds <n>", "coder rounds per tanuki-team answer when the reviewer blocks (default 2)")
    .option("--quiet", "do not log requests")
    .action(async (flags: ServeFlags) => {
      exitCode = await runServeCommand(flags, {
        env: process.env,
        stdout: process.stdout,
        stderr: process.stderr,
        signal: controller.signal,
      });
    });

  const models = program.command("models").description("Manage GGUF models");
  models
    .command("pull")
    .description("Download a GGUF model into the cache (progress bar), print its path and sha256")
    .argument("[uri]", "hf:owner/repo/file.gguf, https://…/file.gguf or a local path (default: the default model)")
    .option("--sha256 <hex>", "expected checksum: the file must match")
    .option("--dir <dir>", "model cache (default: $TANUKI_MODEL_DIR or ~/.cache/tanuki/models)")
    .action(async (uri: string | undefined, flags: ModelsPullFlags) => {
      exitCode = await runModelsPullCommand(uri, flags, {
        env: process.env,
        stdout: process.stdout,
        stderr: process.stderr,
        signal: controller.signal,
      });
    });

  const adapters = program.command("adapters").description("LoRA adapters per agent (adapters/adapters.yml)");
  for (const action of ["list", "check"] as const) {
    adapters
      .command(action)
      .description(
        action === "list"
          ? "Show each agent's adapter and whether its file is present"
          : "Check each adapter against the configured base model (GGUF metadata and tensor shapes)",
      )
      .option("--dir <dir>", "adapters folder (default: $TANUKI_ADAPTERS_DIR or ./adapters)")
      .option("--model <path|uri>", "base model (default: $TANUKI_MODEL, else the default model)")
      .option("--json", "print the report as JSON")
      .action(async (flags: AdaptersFlags) => {
        exitCode = await runAdaptersCommand(action, flags, {
          cwd: process.cwd(),
          env: process.env,
          stdout: process.stdout,
        });
      });
  }

  registerEvalCommand(program, { signal: controller.signal, setExitCode: (code) => (exitCode = code) });
  registerAcpCommand(program, { signal: controller.signal, setExitCode: (code) => (exitCode = code) });
  registerMcpCommand(program, { signal: controller.signal, setExitCode: (code) => (exitCode = code) });

  const envCommand = program
    .command("env")
    .description("Cached repository environments (images built by the environment phase)");
  envCommand
    .command("list")
    .description("List cached environments, most recently used first")
    .action(async () => {
      exitCode = await runEnvListCommand({ stdout: process.stdout });
    });
  envCommand
    .command("prune")
    .description("Remove the least recently used cached environments until the rest fit the size budget")
    .addOption(new Option("--max-bytes <bytes>", "size budget to keep (default 20 GiB)").argParser(wholeNumber(0)))
    .option("--all", "remove every cached environment")
    .action(async (flags: EnvPruneFlags) => {
      exitCode = await runEnvPruneCommand(flags, { stdout: process.stdout });
    });

  program
    .command("doctor")
    .description(
      "Report what this machine can run (CPU, RAM, GPU, Docker, sandbox image, model, adapters) and how to fix problems",
    )
    .option("--model <path|uri>", "model to check (default: $TANUKI_MODEL, else the default model)")
    .option("--skip-docker", "do not check the Docker engine and sandbox image")
    .option("--json", "print the checks as JSON")
    .action(async (flags: DoctorFlags) => {
      exitCode = await runDoctorCommand(flags, { cwd: process.cwd(), env: process.env, stdout: process.stdout });
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (isTanukiError(error) && error.code !== "internal") {
      process.stderr.write(`tanuki: ${error.message}\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`tanuki: unexpected failure: ${(error as Error).stack ?? String(error)}\n`);
    return EXIT_NOT_FIXED;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
