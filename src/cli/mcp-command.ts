import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { type Command, Option } from "commander";
import { RunConfig } from "../config/run-config.js";
import { startMcpHttpServer } from "../mcp/mcp-http.js";
import type { McpWork } from "../mcp/mcp-work.js";
import { createTanukiMcpServer } from "../mcp/tanuki-mcp-server.js";
import { checkRepository } from "../workspace/open-work-copy.js";
import type { FixFlags } from "./fix-options.js";
import { wholeNumber } from "./flag-parsers.js";
import { evalLocalChange } from "./local-eval.js";
import { localRunsFor, type ServerCommandContext, withServerRunOptions } from "./local-runs.js";

/** Flags of `tanuki mcp`: the run flags of `tanuki fix` (defaults of every call) plus the transport. */
export interface McpFlags extends Omit<FixFlags, "issue" | "branch" | "out" | "testCommand"> {
  /** Serve Streamable HTTP instead of stdio. */
  http?: boolean;
  host?: string;
  port?: number;
  token?: string;
  /** Where each call's report folder is created. Default `<repository>/.tanuki/runs`. */
  runsDir?: string;
}

/** What `tanuki mcp` needs from its process (the signal stops the HTTP server). */
export interface McpCommandContext extends ServerCommandContext {
  signal: AbortSignal;
}

/**
 * `tanuki mcp`: Tanuki's `fix`, `review` and `eval` as MCP tools (see `createTanukiMcpServer`), on stdio (the default: an
 * MCP client starts the process) or on Streamable HTTP (`--http`; prints `tanuki mcp: listening on <url>` on
 * stderr). The model and sandbox are loaded at the first call. Serves until stdin closes (stdio) or the signal.
 *
 * @returns 0 after a clean shutdown
 * @throws ConfigError for invalid flags, environment, or an HTTP bind beyond loopback without a token
 */
export async function runMcpCommand(flags: McpFlags, context: McpCommandContext): Promise<number> {
  const { config, runs } = localRunsFor(flags, context);
  const work: McpWork = {
    fix: async ({ task, testCommand, maxAttempts, onEvent, signal }) => {
      // A missing or unusable repository is the caller's mistake: a tool error now, not a run that ends in `error`.
      await checkRepository(task.repoPath);
      return runs.fix(
        task,
        RunConfig.parse({
          ...config,
          ...(testCommand ? { testCommand } : {}),
          ...(maxAttempts ? { budgets: { ...config.budgets, maxAttempts } } : {}),
        }),
        onEvent,
        signal,
      );
    },
    review: ({ onEvent, signal, ...request }) => runs.review(request, config, onEvent, signal),
    eval: ({ onEvent, signal, ...request }) => evalLocalChange(request, config, onEvent, signal),
  };
  const version = context.version ?? "0.1.0";
  try {
    if (flags.http) {
      const server = await startMcpHttpServer({
        createServer: () => createTanukiMcpServer(work, version),
        ...(flags.host ? { host: flags.host } : {}),
        ...(flags.port !== undefined ? { port: flags.port } : {}),
        ...((flags.token ?? context.env.TANUKI_MCP_TOKEN)
          ? { token: flags.token ?? context.env.TANUKI_MCP_TOKEN }
          : {}),
      });
      context.stderr.write(`tanuki mcp: listening on ${server.url}\n`);
      await new Promise<void>((done) => {
        if (context.signal.aborted) done();
        context.signal.addEventListener("abort", () => done(), { once: true });
      });
      await server.close();
    } else {
      const server = createTanukiMcpServer(work, version);
      const transport = new StdioServerTransport(
        context.stdin as NodeJS.ReadStream & { fd: 0 },
        context.stdout as NodeJS.WriteStream & { fd: 1 },
      );
      const closed = new Promise<void>((done) => {
        transport.onclose = () => done();
        context.stdin.once("end", () => done());
        context.signal.addEventListener("abort", () => done(), { once: true });
      });
      await server.connect(transport);
      await closed;
      await server.close();
    }
  } finally {
    await runs.dispose();
  }
  return 0;
}

/** Registers `tanuki mcp` on the program (flags, help), run with the process's streams. */
export function registerMcpCommand(
  program: Command,
  context: { signal: AbortSignal; setExitCode(code: number): void },
): void {
  const command = program
    .command("mcp")
    .description("Serve Tanuki's fix, review and eval as MCP tools (stdio, or Streamable HTTP with --http)")
    .option("--http", "serve Streamable HTTP at /mcp instead of stdio")
    .option("--host <host>", "interface for --http (default 127.0.0.1; anything else requires a token)")
    .addOption(
      new Option("--port <port>", "port for --http, 0 = any free port (default 8089)").argParser(wholeNumber(0, 65535)),
    )
    .option("--token <token>", "bearer token HTTP clients must send (default: $TANUKI_MCP_TOKEN)");
  withServerRunOptions(command, "per call", context, runMcpCommand);
}
