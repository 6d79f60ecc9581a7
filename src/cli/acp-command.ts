import type { Command } from "commander";
import { createAcpAgent } from "../acp/acp-agent.js";
import { serveAcp } from "../acp/serve-acp.js";
import { checkRepository } from "../workspace/open-work-copy.js";
import type { FixFlags } from "./fix-options.js";
import { localRunsFor, type RunEngine, type ServerCommandContext, withServerRunOptions } from "./local-runs.js";

/** Flags of `tanuki acp` (the run flags of `tanuki fix`, less the issue, branch and output folder). */
export interface AcpFlags extends Omit<FixFlags, "issue" | "branch" | "out"> {
  /** Where each prompt's report folder is created. Default `<workspace>/.tanuki/runs`. */
  runsDir?: string;
}

/** The part of the engine a prompt needs (see `RunEngine`). */
export type AcpEngine = RunEngine;

/** What `tanuki acp` needs from its process, plus the check of a session's folder (default `checkRepository`). */
export interface AcpCommandContext extends ServerCommandContext {
  checkWorkspace?: (cwd: string) => Promise<void>;
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
  const { config, runs } = localRunsFor(flags, context);
  const app = createAcpAgent({
    run: ({ task, onEvent, signal }) => runs.fix(task, config, onEvent, signal),
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
    await runs.dispose();
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
    .option("--test-command <cmd>", "override the detected test command (runs in the sandbox)");
  withServerRunOptions(command, "per prompt", context, runAcpCommand);
}
