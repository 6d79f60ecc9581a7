import { posix } from "node:path";
import { SandboxError } from "../core/errors.js";
import { SANDBOX_WORKDIR } from "./sandbox.js";

/**
 * Shell run as a command container's main process. Arguments: $1 working directory, $2 umask, $3 the command.
 * The command is passed as an argument, never spliced into the script.
 */
const WRAPPER_SCRIPT = 'umask "$2"; cd "$1" || exit 2; exec sh -c "$3"';

/**
 * Maps `cwd` (relative to the workspace root, mounted at `base`) to an absolute path inside the sandbox.
 * @throws SandboxError when it is absolute or climbs out of the workspace
 */
export function resolveSandboxCwd(cwd: string | undefined, base: string = SANDBOX_WORKDIR): string {
  if (cwd === undefined || cwd === "" || cwd === ".") return base;
  if (posix.isAbsolute(cwd) || cwd.includes("\0")) {
    throw new SandboxError(`exec cwd must be relative to the workspace: ${JSON.stringify(cwd)}`);
  }
  const joined = posix.normalize(posix.join(base, cwd));
  if (joined !== base && !joined.startsWith(`${base}/`)) {
    throw new SandboxError(`exec cwd leaves the workspace: ${JSON.stringify(cwd)}`);
  }
  return joined;
}

/**
 * Validates extra exec environment (names must be shell-style identifiers) as `KEY=value` strings.
 * @throws SandboxError on an invalid name or a value with a NUL byte
 */
export function toExecEnv(env: Record<string, string> | undefined): string[] {
  if (!env) return [];
  return Object.entries(env).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || value.includes("\0")) {
      throw new SandboxError(`invalid exec environment variable: ${JSON.stringify(key)}`);
    }
    return `${key}=${value}`;
  });
}

/** The argv of one command container (see {@link WRAPPER_SCRIPT}). */
export function buildExecArgv(options: { command: string; cwd: string; umask?: string }): string[] {
  return ["sh", "-c", WRAPPER_SCRIPT, "tanuki-exec", options.cwd, options.umask ?? "0022", options.command];
}
