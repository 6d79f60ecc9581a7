import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { McpClientConfig, McpServerConfig } from "../config/mcp-config.js";
import { CancelledError } from "../core/errors.js";
import type { ExternalTool, ExternalToolResult, ExternalTools } from "../core/external-tools.js";

/** Longest tool answer kept, characters; the rest is cut with a note (a server must not flood a prompt). */
export const MAX_RESULT_CHARS = 16_000;
/** Longest tool description kept, characters. */
const MAX_DESCRIPTION_CHARS = 1_000;

/** Options of {@link connectMcpTools}. */
export interface ConnectMcpOptions {
  /** `PATH` given to started servers (their environment is otherwise only the configuration's `env`). */
  path?: string;
  /** Where a started server's stderr goes; default: discarded. */
  log?: (line: string) => void;
  version?: string;
}

/**
 * One server to connect to, whatever its transport: its allowlist and limits, and how to reach it. Operator servers
 * ({@link connectMcpTools}) and repository servers (`openRepoMcpTools`) both become endpoints.
 */
export interface McpEndpoint {
  name: string;
  /** Tools the agents may call, by exact name. */
  tools: readonly string[];
  /** Also list tools not declared read-only. */
  allowWrite: boolean;
  /** Time limit of one call, ms. */
  timeoutMs: number;
  /** Makes the (not yet started) transport; `connect` starts it. */
  transport: () => Transport;
}

interface Connected {
  config: McpEndpoint;
  client: Client;
}

/** The text of a tool answer: its text parts, else its structured content as JSON; capped. */
function resultText(result: Record<string, unknown>): string {
  const parts = Array.isArray(result.content) ? (result.content as { type: string; text?: string }[]) : [];
  const texts = parts.filter((part) => part.type === "text" && typeof part.text === "string").map((part) => part.text);
  const text =
    texts.length > 0
      ? texts.join("\n")
      : result.structuredContent !== undefined
        ? JSON.stringify(result.structuredContent)
        : parts.length > 0
          ? `(${parts.length} non-text part(s) left out)`
          : "";
  return text.length <= MAX_RESULT_CHARS
    ? text
    : `${text.slice(0, MAX_RESULT_CHARS)}\n[… ${text.length - MAX_RESULT_CHARS} more characters cut]`;
}

/** The transport of one operator server: a host process (scrubbed environment) or a Streamable HTTP endpoint. */
function hostTransport(config: McpServerConfig, options: ConnectMcpOptions): Transport {
  if (config.command === undefined) return new StreamableHTTPClientTransport(new URL(config.url as string));
  // The SDK adds only HOME, LOGNAME, PATH, SHELL, TERM and USER of this process to `env`; none is a secret.
  const transport = new StdioClientTransport({
    command: config.command,
    args: config.args,
    env: { ...(options.path ? { PATH: options.path } : {}), ...config.env },
    stderr: "pipe",
  });
  transport.stderr?.on("data", (chunk: Buffer) =>
    options.log?.(`mcp ${config.name}: ${String(chunk).trimEnd().slice(0, 500)}`),
  );
  return transport;
}

/**
 * Connects to the configured MCP servers (starting the stdio ones) and lists their tools, keeping only those named
 * in each server's `tools` allowlist and, unless `allowWrite`, declared read-only (`readOnlyHint: true`; a tool
 * without the hint counts as a write tool). An allowlisted tool the server does not offer is reported with `log`.
 *
 * Started servers get a scrubbed environment (the configuration's `env`, `PATH`, and the SDK's HOME, LOGNAME, SHELL,
 * TERM, USER): never this process's tokens or keys. They run with the operator's rights on this machine: list only
 * servers you would run yourself.
 *
 * @throws Error when a server cannot be started or does not answer the handshake (the others are closed first)
 */
export function connectMcpTools(config: McpClientConfig, options: ConnectMcpOptions = {}): Promise<ExternalTools> {
  return connectMcpEndpoints(
    config.servers.map((server) => ({ ...server, transport: () => hostTransport(server, options) })),
    options,
  );
}

/**
 * Connects to each endpoint in turn and lists its allowlisted tools (read-only ones unless `allowWrite`), as
 * {@link connectMcpTools} describes; the returned port calls them with each endpoint's time limit and caps answers.
 *
 * @throws Error when an endpoint cannot be reached or fails the handshake (the ones already connected are closed)
 */
export async function connectMcpEndpoints(
  endpoints: readonly McpEndpoint[],
  options: Pick<ConnectMcpOptions, "log" | "version"> = {},
): Promise<ExternalTools> {
  const connected: Connected[] = [];
  const tools: ExternalTool[] = [];
  const close = async () => {
    await Promise.all(connected.map(({ client }) => client.close().catch(() => undefined)));
  };
  try {
    for (const server of endpoints) {
      const client = new Client({ name: "tanuki", version: options.version ?? "0.1.0" });
      const one = { config: server, client };
      await client.connect(server.transport(), { timeout: server.timeoutMs }).catch(async (error: unknown) => {
        await client.close().catch(() => undefined);
        throw new Error(`MCP server ${server.name}: ${(error as Error).message}`, { cause: error });
      });
      connected.push(one);
      const { tools: offered } = await client.listTools(undefined, { timeout: server.timeoutMs });
      for (const name of server.tools) {
        const tool = offered.find((candidate) => candidate.name === name);
        if (!tool) {
          options.log?.(`mcp ${server.name}: allowlisted tool ${name} is not offered by the server`);
          continue;
        }
        const readOnly = tool.annotations?.readOnlyHint === true;
        if (!readOnly && !server.allowWrite) {
          options.log?.(`mcp ${server.name}: tool ${name} is not declared read-only; set allowWrite to use it`);
          continue;
        }
        tools.push({
          server: server.name,
          name,
          description: (tool.description ?? "").slice(0, MAX_DESCRIPTION_CHARS),
          inputSchema: tool.inputSchema as Record<string, unknown>,
          readOnly,
        });
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    list: () => tools,
    async call(serverName, name, args, signal): Promise<ExternalToolResult> {
      const one = connected.find((entry) => entry.config.name === serverName);
      if (!one || !tools.some((tool) => tool.server === serverName && tool.name === name)) {
        throw new Error(`MCP tool ${serverName}/${name} is not allowed`);
      }
      if (signal?.aborted) throw new CancelledError("the run was cancelled");
      try {
        const result = await one.client.callTool({ name, arguments: args }, undefined, {
          timeout: one.config.timeoutMs,
          ...(signal ? { signal } : {}),
        });
        return { text: resultText(result), isError: result.isError === true };
      } catch (error) {
        if (signal?.aborted) throw new CancelledError("the run was cancelled");
        throw error;
      }
    },
    close,
  };
}
