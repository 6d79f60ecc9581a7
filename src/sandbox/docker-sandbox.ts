import Dockerode from "dockerode";
import { CancelledError, SandboxError } from "../core/errors.js";
import { buildContainerSpec, SANDBOX_USER } from "./container-spec.js";
import { dockerStatusCode, toSandboxError } from "./docker-errors.js";
import { runDockerExec } from "./docker-exec.js";
import {
  buildExecArgv,
  buildKillArgv,
  isTimeoutExit,
  KILL_GRACE_S,
  OOM_COUNTER_ARGV,
  parseOomKills,
  resolveSandboxCwd,
  toExecEnv,
} from "./exec-command.js";
import type { ExecRequest, ExecResult, Sandbox, SandboxLimits, SandboxOptions, SandboxProvider } from "./sandbox.js";
import { prepareWorkspaceForSandbox } from "./workspace-permissions.js";

/** The command that builds the default sandbox image, named in `sandbox-image` errors. */
export const BUILD_IMAGE_COMMAND = "npm run sandbox:image";

/** Options of {@link DockerSandboxProvider}. */
export interface DockerSandboxProviderOptions {
  /** Engine client to use. Default: a new Dockerode on `socketPath`. */
  docker?: Dockerode;
  /** Engine socket when `docker` is not given. Default: Dockerode's own (DOCKER_HOST or /var/run/docker.sock). */
  socketPath?: string;
}

/**
 * {@link SandboxProvider} over the Docker Engine (dockerode): one warm, hardened container per job (see
 * `buildContainerSpec`), commands run with `docker exec`. Inspired by the "long-lived container + exec"
 * pattern of SWE-agent / OpenHands runtimes, which avoids paying container start-up per command.
 */
export class DockerSandboxProvider implements SandboxProvider {
  readonly docker: Dockerode;

  constructor(options: DockerSandboxProviderOptions = {}) {
    this.docker =
      options.docker ?? (options.socketPath ? new Dockerode({ socketPath: options.socketPath }) : new Dockerode());
  }

  /**
   * Creates and starts the container. The workspace is opened up for the sandbox user first (see
   * `prepareWorkspaceForSandbox`). When `options.signal` aborts, the container is removed.
   *
   * @throws SandboxError code `sandbox-image` when the image is missing; `sandbox` for other engine failures
   * @throws CancelledError when `options.signal` aborts during creation (nothing is left behind)
   */
  async create(options: SandboxOptions): Promise<Sandbox> {
    const { signal } = options;
    if (signal?.aborted) throw new CancelledError("sandbox creation cancelled");
    await this.requireImage(options.image);
    const access = await prepareWorkspaceForSandbox(options.workspaceDir);
    if (signal?.aborted) throw new CancelledError("sandbox creation cancelled");

    let container: Dockerode.Container;
    try {
      container = await this.docker.createContainer(buildContainerSpec(options));
    } catch (err) {
      if (dockerStatusCode(err) === 404) throw missingImageError(options.image, err);
      throw toSandboxError("cannot create the sandbox container", err);
    }
    const sandbox = new DockerSandbox(container, options.limits, access.shared ? "0000" : "0022");
    try {
      await container.start();
    } catch (err) {
      await sandbox.dispose().catch(() => undefined);
      throw toSandboxError("cannot start the sandbox container", err);
    }
    if (signal) {
      const onAbort = () => void sandbox.dispose().catch(() => undefined);
      signal.addEventListener("abort", onAbort, { once: true });
      sandbox.onDispose(() => signal.removeEventListener("abort", onAbort));
      if (signal.aborted) {
        await sandbox.dispose();
        throw new CancelledError("sandbox creation cancelled");
      }
    }
    return sandbox;
  }

  /**
   * Checks that the engine answers and `image` exists, so an entry point can fail fast, before loading a model.
   * @throws SandboxError code `sandbox-image` (with the command that builds it) or `sandbox` (engine unreachable)
   */
  async requireImage(image: string): Promise<void> {
    try {
      await this.docker.getImage(image).inspect();
    } catch (err) {
      if (dockerStatusCode(err) === 404) throw missingImageError(image, err);
      throw toSandboxError(`cannot inspect sandbox image ${image}`, err);
    }
  }
}

function missingImageError(image: string, cause: unknown): SandboxError {
  return new SandboxError(
    `sandbox image ${image} not found. Build it with: ${BUILD_IMAGE_COMMAND}` +
      ` (or scripts/build-sandbox-image.sh ${image})`,
    { code: "sandbox-image", cause },
  );
}

/** One running sandbox container; created by {@link DockerSandboxProvider.create}. */
export class DockerSandbox implements Sandbox {
  readonly id: string;
  readonly #container: Dockerode.Container;
  readonly #limits: SandboxLimits;
  readonly #umask: string;
  readonly #disposed = new AbortController();
  readonly #onDispose: Array<() => void> = [];
  #disposing: Promise<void> | undefined;
  #execCount = 0;
  /** Last OOM-kill count read from the container's memory cgroup (a fresh container starts at 0). */
  #oomKills: number | undefined = 0;

  constructor(container: Dockerode.Container, limits: SandboxLimits, umask: string) {
    this.#container = container;
    this.id = container.id;
    this.#limits = limits;
    this.#umask = umask;
  }

  /**
   * Runs `request.command` with `sh -c` as uid 1000 in `request.cwd` (relative to /workspace), under a wall-time
   * cap of min(request.timeoutMs, limits.commandTimeoutMs): past it the whole process group is killed and the
   * result has exitCode 124 and timedOut. Output past `limits.maxOutputBytes` is dropped (truncated).
   * After a non-zero exit, the memory cgroup's OOM-kill counter tells whether the memory cap killed a process
   * (`oomKilled`; absent after exit 0 or when the kernel does not tell).
   *
   * @throws CancelledError when `request.signal` aborts or the sandbox is disposed meanwhile (the command is killed)
   * @throws SandboxError when the engine fails, or on an invalid cwd/env
   */
  async exec(request: ExecRequest): Promise<ExecResult> {
    if (this.#disposed.signal.aborted) throw new SandboxError(`sandbox ${this.id.slice(0, 12)} is disposed`);
    if (request.signal?.aborted) throw new CancelledError("command cancelled");
    const cwd = resolveSandboxCwd(request.cwd);
    const env = toExecEnv(request.env);
    const timeoutMs = Math.max(
      1,
      Math.min(request.timeoutMs ?? this.#limits.commandTimeoutMs, this.#limits.commandTimeoutMs),
    );
    // One controller per exec, unhooked afterwards (AbortSignal.any keeps listeners on the long-lived
    // dispose signal alive on Node 20).
    const cancel = new AbortController();
    const onCancel = () => cancel.abort();
    request.signal?.addEventListener("abort", onCancel, { once: true });
    this.#disposed.signal.addEventListener("abort", onCancel, { once: true });
    try {
      return await this.#run(request.command, cwd, env, timeoutMs, cancel.signal);
    } finally {
      request.signal?.removeEventListener("abort", onCancel);
      this.#disposed.signal.removeEventListener("abort", onCancel);
    }
  }

  async #run(command: string, cwd: string, env: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecResult> {
    const pidFile = `/tmp/.tanuki-exec-${++this.#execCount}.pid`;
    const started = performance.now();
    const raw = await runDockerExec(this.#container, {
      argv: buildExecArgv({ command, cwd, timeoutMs, pidFile, umask: this.#umask }),
      env,
      user: SANDBOX_USER,
      maxOutputBytes: this.#limits.maxOutputBytes,
      deadlineMs: timeoutMs + KILL_GRACE_S * 1000 + 3_000,
      signal,
    });
    const durationMs = Math.round(performance.now() - started);
    if (raw.exitCode === undefined) await this.#killGroup(pidFile);
    if (raw.aborted) throw new CancelledError("command cancelled");

    const timedOut = raw.deadlineHit || isTimeoutExit(raw.exitCode ?? 124, durationMs, timeoutMs);
    const exitCode = timedOut ? 124 : (raw.exitCode ?? 124);
    const result: ExecResult = {
      exitCode,
      stdout: raw.stdout,
      stderr: raw.stderr,
      durationMs,
      timedOut,
      truncated: raw.truncated,
    };
    // Only failed commands are checked (one extra exec, ~50 ms): an OOM kill inside a command that still exits
    // 0 shows up on the next failing one.
    if (exitCode !== 0) {
      const oomKilled = await this.#oomKilledSinceLastCheck();
      if (oomKilled !== undefined) result.oomKilled = oomKilled;
    }
    return result;
  }

  /** Stops and removes the container (force). Idempotent; a command still running is cancelled. */
  dispose(): Promise<void> {
    if (!this.#disposing) {
      this.#disposed.abort();
      for (const hook of this.#onDispose.splice(0)) hook();
      this.#disposing = this.#container.remove({ force: true, v: true }).then(
        () => undefined,
        (err: unknown) => {
          const status = dockerStatusCode(err);
          // 404: already gone; 409: removal already in progress.
          if (status === 404 || status === 409) return;
          this.#disposing = undefined;
          throw toSandboxError(`cannot remove sandbox container ${this.id.slice(0, 12)}`, err);
        },
      );
    }
    return this.#disposing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /** @internal Runs `hook` once when the sandbox is disposed (the provider unhooks its abort listener). */
  onDispose(hook: () => void): void {
    if (this.#disposed.signal.aborted) hook();
    else this.#onDispose.push(hook);
  }

  /** Best effort: the container may be gone (dispose) or out of pids; the in-container timeout still applies. */
  async #killGroup(pidFile: string): Promise<void> {
    if (this.#disposing) return;
    await runDockerExec(this.#container, {
      argv: buildKillArgv(pidFile),
      env: [],
      user: SANDBOX_USER,
      maxOutputBytes: 4096,
      deadlineMs: 5_000,
    }).catch(() => undefined);
  }

  /** True/false when the cgroup's OOM-kill counter went up / did not since the last check; undefined if unknown. */
  async #oomKilledSinceLastCheck(): Promise<boolean | undefined> {
    if (this.#oomKills === undefined || this.#disposing) return undefined;
    try {
      const raw = await runDockerExec(this.#container, {
        argv: OOM_COUNTER_ARGV,
        env: [],
        user: SANDBOX_USER,
        maxOutputBytes: 4096,
        deadlineMs: 5_000,
      });
      const count = parseOomKills(raw.stdout);
      const previous = this.#oomKills;
      this.#oomKills = count;
      return count === undefined ? undefined : count > previous;
    } catch {
      return undefined;
    }
  }
}
