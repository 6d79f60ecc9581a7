import { Command, CommanderError } from "commander";
import { isTanukiError } from "../core/errors.js";
import { runAppCommand } from "./app-command.js";
import { EXIT_NOT_FIXED, EXIT_USAGE } from "./exit-codes.js";
import { runFixCommand } from "./fix-command.js";
import type { FixFlags } from "./fix-options.js";

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

  program
    .command("fix")
    .description("Fix an issue in a local git repository and leave a tanuki/<slug> branch with the result")
    .argument("<repo>", "path of the git repository")
    .requiredOption("--issue <text|@file>", "the issue: text, or @path to a Markdown file (first line = title)")
    .option(
      "--model <path|uri>",
      "GGUF model path or URI (default: $TANUKI_MODEL, else a small code model downloaded on first use)",
    )
    .option("--out <dir>", "output folder for run.json, pr.md and trace.jsonl (default: ./.tanuki/runs/<time>)")
    .option("--max-attempts <n>", "max code→test→review attempts (default 3)")
    .option("--time-budget <minutes>", "wall-clock budget for the run (default 30)")
    .option("--token-budget <tokens>", "model token budget for the run (default 400000)")
    .option("--plans <k>", "candidate plans the planner proposes (default 3)")
    .option("--test-command <cmd>", "override the detected test command (runs in the sandbox)")
    .option("--setup-command <cmd>", "command run once in the sandbox before testing")
    .option("--image <name>", "sandbox image (default: $TANUKI_SANDBOX_IMAGE or tanuki-sandbox:latest)")
    .option("--threads <n>", "generation threads (default: chosen from the CPUs available)")
    .option("--branch <name>", "result branch name (must start with tanuki/)")
    .option("--allow-workflows", "allow edits under .github/workflows/")
    .action(async (repo: string, flags: FixFlags) => {
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
      await runAppCommand(process.env);
      exitCode = await new Promise<number>(() => {
        // The server runs until the process is stopped (SIGTERM is handled by the app).
      });
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
