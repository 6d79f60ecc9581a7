import type { ExternalTool, ExternalTools } from "../../core/external-tools.js";
import type { RunContext } from "../run-context.js";
import type { RunState } from "../run-state.js";
import { ensureSandbox } from "./test.js";

/**
 * Starts the repository's MCP servers (`config.mcp.servers`, present only when the operator allows them) through
 * `deps.openRepoTools`, in the job's sandbox. The start is traced (`tool-call`, tool `mcp`, `op: "start"`). A
 * failure is logged and the run goes on without them.
 *
 * @returns the port, or undefined when there are no servers, no opener, or the start failed; the caller closes it
 */
export async function openRepositoryTools(ctx: RunContext, state: RunState): Promise<ExternalTools | undefined> {
  const servers = ctx.config.mcp.servers;
  const open = ctx.deps.openRepoTools;
  if (servers.length === 0 || !open || !state.workspace) return undefined;
  const log = (message: string) => ctx.emit({ type: "log", level: "info", message });
  try {
    const sandbox = await ensureSandbox(ctx, state);
    return await ctx.tool(
      "mcp",
      { op: "start", servers: servers.map((server) => server.name), declaredBy: "repository" },
      () => open(servers, { sandbox, environment: ctx.config.environment, log, signal: ctx.signal }),
      (port) => ({ output: { tools: port.list().map((tool) => `${tool.server}/${tool.name}`) } }),
    );
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.emit({ type: "log", level: "warn", message: `repository MCP servers not started: ${String(error)}` });
    return undefined;
  }
}

/**
 * One port over the operator's tools and the repository's: the operator's come first, and a repository server
 * named like an operator server is left out (a repository cannot shadow the operator's tools).
 */
export function combineTools(
  operator: ExternalTools | undefined,
  repository: ExternalTools | undefined,
): ExternalTools {
  const ports = [operator, repository].filter((port): port is ExternalTools => port !== undefined);
  const operatorServers = new Set(operator?.list().map((tool) => tool.server) ?? []);
  const owner = new Map<string, ExternalTools>();
  const tools: ExternalTool[] = [];
  for (const port of ports) {
    for (const tool of port.list()) {
      if (port === repository && operatorServers.has(tool.server)) continue;
      owner.set(`${tool.server}/${tool.name}`, port);
      tools.push(tool);
    }
  }
  return {
    list: () => tools,
    call(server, name, args, signal) {
      const port = owner.get(`${server}/${name}`);
      if (!port) return Promise.reject(new Error(`MCP tool ${server}/${name} is not allowed`));
      return port.call(server, name, args, signal);
    },
    close: async () => {
      await Promise.all(ports.map((port) => port.close()));
    },
  };
}
