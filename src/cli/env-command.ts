import Dockerode from "dockerode";
import { EnvironmentConfig } from "../config/environment-config.js";
import { listCachedEnvironments, pruneEnvironments } from "../environment/environment-cache.js";

/** Flags of `tanuki env prune`. */
export interface EnvPruneFlags {
  /** Size budget to keep, bytes (default: the cache budget, 20 GiB); parsed by commander. */
  maxBytes?: number;
  /** Remove every cached environment. */
  all?: boolean;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

/**
 * `tanuki env list`: the cached environment images, most recently used first, with their size and last use.
 * @returns exit code 0
 * @throws SandboxError when the Docker engine is not reachable
 */
export async function runEnvListCommand(context: {
  stdout: { write(text: string): void };
  docker?: Dockerode;
}): Promise<number> {
  const entries = await listCachedEnvironments(context.docker ?? new Dockerode());
  for (const entry of entries) {
    context.stdout.write(
      `${entry.image}  ${gib(entry.bytes)}  last used ${new Date(entry.lastUsedMs).toISOString()}\n`,
    );
  }
  const total = entries.reduce((sum, entry) => sum + entry.bytes, 0);
  context.stdout.write(`${entries.length} cached environment(s), ${gib(total)}\n`);
  return 0;
}

/**
 * `tanuki env prune`: removes the least recently used cached environments until the rest fit in the budget
 * (`--max-bytes`, default the cache's 20 GiB; `--all` removes every one). Images in use are kept.
 * @returns exit code 0
 * @throws SandboxError when the engine is not reachable
 */
export async function runEnvPruneCommand(
  flags: EnvPruneFlags,
  context: { stdout: { write(text: string): void }; docker?: Dockerode },
): Promise<number> {
  let maxBytes = EnvironmentConfig.parse({}).cache.maxBytes;
  if (flags.all) maxBytes = 0;
  else if (flags.maxBytes !== undefined) maxBytes = flags.maxBytes;
  const { removed, keptBytes } = await pruneEnvironments(context.docker ?? new Dockerode(), maxBytes);
  for (const entry of removed) context.stdout.write(`removed ${entry.image} (${gib(entry.bytes)})\n`);
  context.stdout.write(`${removed.length} removed, ${gib(keptBytes)} kept\n`);
  return 0;
}
