/** Resource caps for one sandbox (one container per job). */
export interface SandboxLimits {
  /** CPU cores the container may use (fractional allowed). Default 1. */
  cpus: number;
  /** Memory cap, bytes (swap included: no swap beyond it). Default 1 GiB. */
  memoryBytes: number;
  /** Max processes/threads inside the container. Default 256. */
  pids: number;
  /** Wall-clock cap per exec, ms. Default 300_000. The command is killed when it runs over. */
  commandTimeoutMs: number;
  /**
   * Cap on captured stdout+stderr per exec, bytes: the first and the last half are kept, the middle dropped and
   * `truncated` set. Default 1 MiB.
   */
  maxOutputBytes: number;
  /** Size of the writable /tmp tmpfs, bytes. Default 256 MiB. */
  tmpBytes: number;
  /**
   * Disk quota of the work tree, bytes: a command that makes the tree larger is stopped (ENOSPC where the work
   * tree lives on a quota volume; else the tree is measured every few seconds and after each command). Optional:
   * no quota when absent.
   */
  diskBytes?: number;
}

/**
 * Network of every command of a sandbox.
 * - `"none"`: no interface but loopback; `localhost` resolves. Tests and every repository command after setup.
 * - `egress`: attached only to an internal Docker network whose one way out is an allowlisting egress proxy
 *   (`proxyUrl`, passed as HTTP_PROXY/HTTPS_PROXY). The environment phase's install commands only.
 */
export type SandboxNetwork = "none" | { kind: "egress"; network: string; proxyUrl: string };

/** What a sandbox is created with. */
export interface SandboxOptions {
  /** Host path mounted read-write at {@link SANDBOX_WORKDIR}: Tanuki's own work copy, never the user's tree. */
  workspaceDir: string;
  /** Image to run, e.g. `tanuki-sandbox:latest`. */
  image: string;
  limits: SandboxLimits;
  /** Labels added to every container (job id etc.), used to find and remove leftovers. */
  labels?: Record<string, string>;
  /**
   * Absolute path the work tree is mounted at (and commands start in). Default {@link SANDBOX_WORKDIR}. Images
   * that expect the repository elsewhere (SWE-bench's `sweb.eval.*` images: `/testbed`) set it.
   */
  mountPath?: string;
  /** Network of every command. Default `"none"`. */
  network?: SandboxNetwork;
  /** Environment added to every command (after the sandbox's fixed one), e.g. PATH with an environment's bin. */
  env?: Record<string, string>;
  /** Extra host files or folders mounted read-only (e.g. the host's CA bundle for the environment phase). */
  readOnlyMounts?: Array<{ source: string; target: string }>;
  signal?: AbortSignal;
}

/** Where the workspace is mounted inside the sandbox. */
export const SANDBOX_WORKDIR = "/workspace";

/** One command to run inside the sandbox. */
export interface ExecRequest {
  /** Shell command, run with `sh -c` (so pipes and `&&` work). */
  command: string;
  /** Working directory relative to the workspace root. Default: the root. */
  cwd?: string;
  /** Per-command wall-clock cap, ms; never more than the sandbox's `commandTimeoutMs`. */
  timeoutMs?: number;
  /** Extra environment. The host environment is never passed through. */
  env?: Record<string, string>;
  /**
   * Live output: called with each piece of stdout/stderr as it arrives (UTF-8 decoded per piece, so a character
   * split across pieces may show as U+FFFD), also past `maxOutputBytes`. Must not throw; keep it cheap.
   */
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
}

/** Outcome of one exec. A non-zero exit is a result, not an error. */
export interface ExecResult {
  /** Exit code; 124 when killed for timeout, 137 when killed (OOM, signal). */
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
  timedOut: boolean;
  /**
   * True when output went past `maxOutputBytes` and was cut: its first and last halves are kept, and each stream
   * that lost bytes has a `[… N bytes of output dropped …]` line where they were.
   */
  truncated: boolean;
  /** True when the container's memory cap killed a process during this exec, when the backend can tell. */
  oomKilled?: boolean;
  /** True when the command was stopped because the work tree went past its disk quota. */
  diskQuotaExceeded?: boolean;
}

/** A long-running command to start in the sandbox, spoken to over its stdin and stdout (e.g. an MCP server). */
export interface SpawnRequest {
  /** Shell command, run with `sh -c` in the workspace root. */
  command: string;
  /** Extra environment (after the sandbox's own). The host environment is never passed through. */
  env?: Record<string, string>;
  /** Wall-clock cap of the whole process, ms; never more than the sandbox's `commandTimeoutMs`. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A process started by {@link Sandbox.spawn}; while it lives, the sandbox's `exec` calls wait. */
export interface SandboxProcess {
  /** Writes bytes to its stdin. Must not be called after `close`. */
  write(data: string | Uint8Array): void;
  /** Listeners: stdout pieces (raw bytes), stderr pieces, and its end (exit code; 137 when killed). */
  onStdout(listener: (chunk: Uint8Array) => void): void;
  onStderr(listener: (chunk: Uint8Array) => void): void;
  onExit(listener: (exitCode: number) => void): void;
  /** Kills it and removes everything it started; resolves once nothing of it is alive. Idempotent. */
  close(): Promise<void>;
}

/**
 * The Sandbox port: the hardened place where one job runs the repository's commands. Every command runs on its
 * own (the Docker implementation: a fresh container per command), and when `exec` resolves nothing the command
 * started is still running, so the host may read and write the work tree safely afterwards.
 *
 * @throws SandboxError when the engine fails (not when a command fails: that is an ExecResult).
 */
export interface Sandbox {
  readonly id: string;
  exec(request: ExecRequest): Promise<ExecResult>;
  /**
   * Starts a long-running command with the same isolation as `exec` (image, limits, network, user, environment)
   * and its stdin open. Optional: a backend without it cannot host repository MCP servers.
   *
   * @throws SandboxError when the engine fails or the sandbox is disposed; CancelledError when `signal` aborts
   */
  spawn?(request: SpawnRequest): Promise<SandboxProcess>;
  /** Stop a running command and refuse new ones. Idempotent; safe after a failure. */
  dispose(): Promise<void>;
}

/** Creates sandboxes. The Docker implementation is `DockerSandboxProvider`. */
export interface SandboxProvider {
  /** @throws SandboxError (code `sandbox-image` when the image is missing, with the command that builds it). */
  create(options: SandboxOptions): Promise<Sandbox>;
}
