import { parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError } from "../core/errors.js";

/** A name: letters, digits, `_`, `-` and `.` (MCP tool names), at most 64 characters. */
const Name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '-' and '.' only");

/** Refinement shared by both server lists: each needs exactly one transport, names are unique. */
const oneTransport = (server: { command?: string; url?: string }) =>
  (server.command === undefined) !== (server.url === undefined);
const uniqueNames = (config: { servers: { name: string }[] }) =>
  new Set(config.servers.map((server) => server.name)).size === config.servers.length;

/**
 * One MCP server whose tools the agents may call. Exactly one of `command` (a process Tanuki starts and speaks to
 * over stdio) or `url` (a Streamable HTTP endpoint).
 */
export const McpServerConfig = z
  .object({
    /** The server's name in traces and prompts (`server/tool`). */
    name: Name,
    /** Program to start (stdio transport), e.g. `npx`. Started with a scrubbed environment (see `env`). */
    command: z.string().min(1).max(1_000).optional(),
    args: z.array(z.string().max(4_000)).max(100).default([]),
    /**
     * The whole environment of the started server besides `PATH`: Tanuki's own variables (model keys, GitHub
     * tokens) are never passed on. Values are literal.
     */
    env: z.record(Name, z.string().max(4_000)).default({}),
    /** Streamable HTTP endpoint (http or https). */
    url: z.url({ protocol: /^https?$/ }).optional(),
    /** Tools the agents may call, by exact name; a tool not named here is never listed nor called. */
    tools: z.array(Name).min(1).max(50),
    /** Also allow tools the server does not declare read-only (`readOnlyHint`). Default false. */
    allowWrite: z.boolean().default(false),
    /** Time limit of one call, ms. Default 30 s. */
    timeoutMs: z.number().int().min(1_000).max(600_000).default(30_000),
  })
  .strict()
  .refine(oneTransport, {
    message: "give exactly one of command (stdio) or url (Streamable HTTP)",
  });
export type McpServerConfig = z.infer<typeof McpServerConfig>;

/**
 * One MCP server a repository declares in `.github/tanuki.yml` (`mcp.servers`). Narrower than an operator's
 * {@link McpServerConfig}: a `command` is started INSIDE the job's sandbox (its image, limits, no network, no
 * Tanuki secrets, the sandbox user), never on the host; a `url` must be https and its host allowed by the job's
 * egress allowlist; and only tools the server declares read-only are ever listed (there is no `allowWrite`).
 */
export const RepoMcpServerConfig = z
  .object({
    name: Name,
    /** Shell command started in the sandbox (in the work tree), speaking MCP over stdio, e.g. `node tools/mcp.js`. */
    command: z.string().min(1).max(4_000).optional(),
    /** Environment of the started server, added to the sandbox's own. Values are literal. */
    env: z.record(Name, z.string().max(4_000)).default({}),
    /** Streamable HTTP endpoint (https only); its host must be on the job's egress allowlist. */
    url: z.url({ protocol: /^https$/ }).optional(),
    tools: z.array(Name).min(1).max(20),
    /** Time limit of one call, ms. Default 30 s, at most 2 minutes. */
    timeoutMs: z.number().int().min(1_000).max(120_000).default(30_000),
  })
  .strict()
  .refine(oneTransport, {
    message: "give exactly one of command (stdio, started in the sandbox) or url (Streamable HTTP)",
  });
export type RepoMcpServerConfig = z.infer<typeof RepoMcpServerConfig>;

/** `mcp:` of `.github/tanuki.yml`: at most 5 servers, names unique. */
export const RepoMcpConfig = z
  .object({ servers: z.array(RepoMcpServerConfig).max(5).default([]) })
  .strict()
  .refine(uniqueNames, { message: "server names must be unique" });
export type RepoMcpConfig = z.infer<typeof RepoMcpConfig>;

/** The MCP servers the agents may use: `{ servers: [...] }`, names unique. */
export const McpClientConfig = z
  .object({ servers: z.array(McpServerConfig).max(10) })
  .strict()
  .refine(uniqueNames, { message: "server names must be unique" });
export type McpClientConfig = z.infer<typeof McpClientConfig>;

/**
 * Parses an MCP client configuration (YAML or JSON text, e.g. the file of `tanuki fix --mcp-config`).
 *
 * @param source  where the text came from, for the error message
 * @throws ConfigError naming the file and every invalid field
 */
export function parseMcpClientConfig(text: string, source: string): McpClientConfig {
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(`${source}: not valid YAML/JSON: ${document.errors[0]?.message ?? ""}`);
  }
  const parsed = McpClientConfig.safeParse(document.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new ConfigError(`${source}: invalid MCP configuration: ${problems.join("; ")}`);
  }
  return parsed.data;
}
