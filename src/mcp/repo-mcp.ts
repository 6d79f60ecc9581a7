import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { EnvironmentConfig } from "../config/environment-config.js";
import type { RepoMcpServerConfig } from "../config/mcp-config.js";
import type { ExternalTools } from "../core/external-tools.js";
import { egressPolicyFor } from "../environment/egress-policy.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import { connectMcpEndpoints, type McpEndpoint } from "./mcp-client.js";
import { publicOnlyFetch } from "./public-fetch.js";
import { SandboxStdioTransport } from "./sandbox-transport.js";

/** What {@link openRepoMcpTools} needs from the run. */
export interface RepoMcpContext {
  /** The job's sandbox: stdio servers are started in it (its image, limits, network "none", user). */
  sandbox: Sandbox;
  /** The run's environment configuration: its egress allowlist decides which https hosts may be reached. */
  environment: EnvironmentConfig;
  /** Where server stderr and allowlist notes go. */
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/**
 * True when the egress allowlist of `environment` (registries, `allowHosts` of the operator and the repository)
 * lets an install reach `url`'s host on its port: a listed name or `.domain` on 443, or a listed `host:port`.
 */
export function egressAllows(url: string, environment: EnvironmentConfig): boolean {
  const target = new URL(url);
  const host = target.hostname.toLowerCase();
  const port = target.port ? Number(target.port) : 443;
  const policy = egressPolicyFor(environment);
  if (policy.hostPorts.some((entry) => entry.host === host && entry.port === port)) return true;
  if (port !== 443 && port !== 80) return false;
  return policy.hosts.some((entry) => (entry.startsWith(".") ? `.${host}`.endsWith(entry) : entry === host));
}

/**
 * Connects to the MCP servers a repository declared (`.github/tanuki.yml`, `mcp.servers`) and lists their
 * allowlisted, read-only tools (a repository cannot allow write tools). A `command` server is started with `sh -c`
 * INSIDE the job's sandbox through `Sandbox.spawn`, never on the host; a `url` server is reached only when its host
 * is on the job's egress allowlist, only at public addresses, with no credentials (see `publicOnlyFetch`).
 *
 * @throws Error when a url's host is not on the allowlist, the sandbox cannot start processes, or a server fails
 *   its handshake (the servers already started are stopped)
 */
export async function openRepoMcpTools(
  servers: readonly RepoMcpServerConfig[],
  context: RepoMcpContext,
): Promise<ExternalTools> {
  const endpoints = servers.map((server): McpEndpoint => {
    if (server.url !== undefined && !egressAllows(server.url, context.environment)) {
      throw new Error(`MCP server ${server.name}: ${new URL(server.url).host} is not on the job's egress allowlist`);
    }
    const log = (text: string) => context.log?.(`mcp ${server.name}: ${text.trimEnd().slice(0, 500)}`);
    return {
      name: server.name,
      tools: server.tools,
      allowWrite: false,
      timeoutMs: server.timeoutMs,
      transport: () =>
        server.url !== undefined
          ? new StreamableHTTPClientTransport(new URL(server.url), { fetch: publicOnlyFetch })
          : new SandboxStdioTransport(
              context.sandbox,
              {
                command: server.command as string,
                env: server.env,
                ...(context.signal ? { signal: context.signal } : {}),
              },
              log,
            ),
    };
  });
  return connectMcpEndpoints(endpoints, { ...(context.log ? { log: context.log } : {}) });
}
