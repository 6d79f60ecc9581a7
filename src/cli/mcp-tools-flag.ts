import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseMcpClientConfig } from "../config/mcp-config.js";
import { UsageError } from "../core/errors.js";
import type { ExternalTools } from "../core/external-tools.js";
import { connectMcpTools } from "../mcp/mcp-client.js";

/**
 * The external tools of `--mcp-config <file>` (YAML or JSON, see `McpClientConfig`): the listed servers started or
 * connected, their allowlisted tools listed. Started servers get only `PATH` of `env` besides their own `env`.
 *
 * @returns undefined when no file was given
 * @throws UsageError when the file cannot be read; ConfigError when it is invalid; Error when a server fails to start
 */
export async function openMcpTools(
  file: string | undefined,
  context: { cwd: string; env: NodeJS.ProcessEnv; log: (line: string) => void; version?: string },
): Promise<ExternalTools | undefined> {
  if (file === undefined) return undefined;
  const path = resolve(context.cwd, file);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`--mcp-config: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return connectMcpTools(parseMcpClientConfig(text, path), {
    ...(context.env.PATH ? { path: context.env.PATH } : {}),
    log: context.log,
    ...(context.version ? { version: context.version } : {}),
  });
}
