import { posix } from "node:path";
import { SandboxError } from "../core/errors.js";
import { SANDBOX_WORKDIR } from "./sandbox.js";

/** Seconds between coreutils `timeout` sending TERM to the command's process group and sending KILL. */
export const KILL_GRACE_S = 2;

/**
 * Shell run as the exec's main process. Arguments: $1 pid file, $2 working directory, $3 time limit (s),
 * $4 kill grace (s), $5 umask, $6 the command.
 *
 * It records its pid, then `exec`s coreutils `timeout`, which keeps that pid, puts itself in a new process group
 * (pgid = that pid) and, at the limit, signals the whole group (TERM, then KILL after the grace): background
 * children die with the command. Exit 124 means the limit was hit. The pid file lets the host kill the group
 * early (cancellation) with {@link KILL_GROUP_SCRIPT}.
 */
const WRAPPER_SCRIPT =
  'echo $$ > "$1" 2>/dev/null; umask "$5"; cd "$2" || exit 2; exec timeout -k "$4" "$3" sh -c "$6"';

/** Kills the process group recorded in the pid file $1, then removes the file. */
const KILL_GROUP_SCRIPT = 'p=$(cat "$1" 2>/dev/null) && [ -n "$p" ] && kill -s KILL -- "-$p" "$p"; rm -f "$1"';

/**
 * Maps `cwd` (relative to the workspace root) to an absolute path inside the sandbox.
 * @throws SandboxError when it is absolute or climbs out of the workspace
 */
export function resolveSandboxCwd(cwd: string | undefined): string {
  if (cwd === undefined || cwd === "" || cwd === ".") return SANDBOX_WORKDIR;
  if (posix.isAbsolute(cwd) || cwd.includes("\0")) {
    throw new SandboxError(`exec cwd must be relative to the workspace: ${JSON.stringify(cwd)}`);
  }
  const joined = posix.normalize(posix.join(SANDBOX_WORKDIR, cwd));
  if (joined !== SANDBOX_WORKDIR && !joined.startsWith(`${SANDBOX_WORKDIR}/`)) {
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

/** The argv of one wrapped exec (see {@link WRAPPER_SCRIPT}); `timeoutMs` is the wall-time cap, ms. */
export function buildExecArgv(options: {
  command: string;
  cwd: string;
  timeoutMs: number;
  pidFile: string;
  umask: string;
}): string[] {
  const seconds = (Math.max(1, options.timeoutMs) / 1000).toFixed(3);
  return [
    "sh",
    "-c",
    WRAPPER_SCRIPT,
    "tanuki-exec",
    options.pidFile,
    options.cwd,
    seconds,
    String(KILL_GRACE_S),
    options.umask,
    options.command,
  ];
}

/** The argv that kills the process group of the exec whose pid file is `pidFile`. */
export function buildKillArgv(pidFile: string): string[] {
  return ["sh", "-c", KILL_GROUP_SCRIPT, "tanuki-kill", pidFile];
}

/** Reads the memory cgroup's OOM-kill counter (cgroup v2 `memory.events`, else v1 `memory.oom_control`). */
export const OOM_COUNTER_ARGV = [
  "sh",
  "-c",
  "cat /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null || true",
];

/** The `oom_kill N` count from {@link OOM_COUNTER_ARGV}'s output, or undefined when the kernel shows none. */
export function parseOomKills(text: string): number | undefined {
  const match = /^oom_kill\s+(\d+)\s*$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

/**
 * True when an exec that exited with `exitCode` after `elapsedMs` was stopped by its wall-time cap: coreutils
 * `timeout` exits 124 (TERM worked) or the group dies with KILL after the grace (137).
 */
export function isTimeoutExit(exitCode: number, elapsedMs: number, timeoutMs: number): boolean {
  return (exitCode === 124 || exitCode === 137) && elapsedMs >= timeoutMs;
}
