import { parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError } from "../core/errors.js";

/** A name: letters, digits, `_`, `-` and `.` (MCP tool names), at most 64 characters. */
const Name = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, '_', '-' and '.' only");

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
  .refine((server) => (server.command === undefined) !== (server.url === undefined), {
    message: "give exactly one of command (stdio) or url (Streamable HTTP)",
  });
export type McpServerConfig = z.infer<typeof McpServerConfig>;

/** The MCP servers the agents may use: `{ servers: [...] }`, names unique. */
export const McpClientConfig = z
  .object({ servers: z.array(McpServerConfig).max(10) })
  .strict()
  .refine((config) => new Set(config.servers.map((s) => s.name)).size === config.servers.length, {
    message: "server names must be unique",
  });
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
