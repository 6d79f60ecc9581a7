import { randomUUID } from "node:crypto";
import { lstat } from "node:fs/promises";
import Dockerode from "dockerode";
import { CancelledError, SandboxError } from "../core/errors.js";
import { buildContainerSpec } from "./container-spec.js";
import { dockerStatusCode, toSandboxError } from "./docker-errors.js";
import { removeContainer, runContainer, type StopReason } from "./docker-run.js";
import { spawnContainer } from "./docker-spawn.js";
import { buildExecArgv, resolveSandboxCwd, toExecEnv } from "./exec-command.js";
import type {
  ExecRequest,
  ExecResult,
  Sandbox,
  SandboxOptions,
  SandboxProcess,
  SandboxProvider,
  SpawnRequest,
} from "./sandbox.js";
import {
  handOverTree,
  quotaEnforcedByVolume,
  type SandboxOwner,
  sandboxOwnerFor,
  sweepTree,
  treeBytes,
} from "./tree-handover.js";

/** The command that builds the default sandbox image, named in `sandbox-image` errors. */
export const BUILD_IMAGE_COMMAND = "npm run sandbox:image";

/** Label carrying the sandbox's id on each of its command containers. */
export const SANDBOX_ID_LABEL = "tanuki.sandbox.id";

/** Options of {@link DockerSandboxProvider}. */
export interface DockerSandboxProviderOptions {
  /** Engine client to use. Default: a new Dockerode on `socketPath`. */
  docker?: Dockerode;
  /** Engine socket when `docker` is not given. Default: Dockerode's own (DOCKER_HOST or /var/run/docker.sock). */
  socketPath?: string;
  /** How often the work tree is measured during a command when no volume enforces its quota, ms. Default 5,000. */
  quotaWatchIntervalMs?: number;
}

/**
 * {@link SandboxProvider} over the Docker Engine (dockerode). A sandbox is a hardened container template (see
 * `buildContainerSpec`); each command runs in a fresh container from it that is removed, with every process the
 * command started, before `exec` returns. So a daemon the repository's tests start (`setsid`, double fork) cannot
 * outlive its command and race the host's later reads and writes of the work tree, a fork bomb cannot leave the
 * next command without pids, and the memory cgroup's OOM flag belongs to exactly one command.
 */
export class DockerSandboxProvider implements SandboxProvider {
  readonly docker: Dockerode;
  readonly #watchIntervalMs: number;

  constructor(options: DockerSandboxProviderOptions = {}) {
    this.docker =
      options.docker ?? (options.socketPath ? new Dockerode({ socketPath: options.socketPath }) : new Dockerode());
    this.#watchIntervalMs = options.quotaWatchIntervalMs ?? 5_000;
  }

  /**
   * Checks the image and the work tree and returns the sandbox; no container runs until the first `exec`.
   *
   * @throws SandboxError code `sandbox-image` when the image is missing; `sandbox` for other engine failures or a
   *   work tree that is not a folder
   * @throws CancelledError when `options.signal` has aborted
   */
  async create(options: SandboxOptions): Promise<Sandbox> {
    if (options.signal?.aborted) throw new CancelledError("sandbox creation cancelled");
    await this.requireImage(options.image);
    const root = await lstat(options.workspaceDir).catch(() => undefined);
    if (!root?.isDirectory()) throw new SandboxError(`workspace ${options.workspaceDir} is not a directory`);
    const mount = options.mountPath;
    if (mount !== undefined && (!mount.startsWith("/") || mount.split("/").includes("..") || mount === "/")) {
      throw new SandboxError(`mountPath must be an absolute folder path other than /: ${JSON.stringify(mount)}`);
    }
    const diskBytes = options.limits.diskBytes;
    const measureQuota = diskBytes !== undefined && !(await quotaEnforcedByVolume(options.workspaceDir, diskBytes));
    if (options.signal?.aborted) throw new CancelledError("sandbox creation cancelled");
    return new DockerSandbox(this.docker, options, sandboxOwnerFor(), {
      measureQuota,
      watchIntervalMs: this.#watchIntervalMs,
    });
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

/** One job's sandbox; created by {@link DockerSandboxProvider.create}. */
export class DockerSandbox implements Sandbox {
  readonly id = `sandbox-${randomUUID()}`;
  readonly #docker: Dockerode;
  readonly #options: SandboxOptions;
  readonly #owner: SandboxOwner;
  readonly #quota: { measureQuota: boolean; watchIntervalMs: number };
  readonly #disposed = new AbortController();
  readonly #running = new Set<Dockerode.Container>();
  #queue: Promise<unknown> = Promise.resolve();
  #disposing: Promise<void> | undefined;

  constructor(
    docker: Dockerode,
    options: SandboxOptions,
    owner: SandboxOwner,
    quota: { measureQuota: boolean; watchIntervalMs: number },
  ) {
    this.#docker = docker;
    this.#options = options;
    this.#owner = owner;
    this.#quota = quota;
    const signal = options.signal;
    if (signal) {
      const onAbort = () => void this.dispose().catch(() => undefined);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#disposed.signal.addEventListener("abort", () => signal.removeEventListener("abort", onAbort));
    }
  }

  /**
   * Runs `request.command` with `sh -c` in a fresh container, in `request.cwd` (relative to /workspace), as the
   * sandbox user, under a wall-time cap of min(request.timeoutMs, limits.commandTimeoutMs): past it the container
   * is killed and the result has exitCode 124 and `timedOut`. Output past `limits.maxOutputBytes` is dropped from
   * its middle, its head and tail kept (`truncated`; see `OutputCollector`). `oomKilled` tells whether the memory cap killed a process of this command. With a disk quota,
   * a command that grows the work tree past it is stopped (`diskQuotaExceeded`, exit code 1 unless it failed on
   * its own, e.g. with ENOSPC).
   *
   * Commands of one sandbox run one at a time. Before each, the work tree is handed to the sandbox user; after
   * each, once the container is gone, planted `.git` entries and setuid bits are removed (see `sweepTree`).
   *
   * @throws CancelledError when `request.signal` aborts or the sandbox is disposed meanwhile (the command is killed)
   * @throws SandboxError when the engine fails, on an invalid cwd/env, or after dispose
   */
  exec(request: ExecRequest): Promise<ExecResult> {
    const run = this.#queue.then(
      () => this.#exec(request),
      () => this.#exec(request),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #exec(request: ExecRequest): Promise<ExecResult> {
    if (this.#disposed.signal.aborted) throw new SandboxError(`sandbox ${this.id} is disposed`);
    if (request.signal?.aborted) throw new CancelledError("command cancelled");
    const cwd = resolveSandboxCwd(request.cwd, this.#options.mountPath);
    const env = toExecEnv(request.env);
    const limits = this.#options.limits;
    const timeoutMs = Math.max(1, Math.min(request.timeoutMs ?? limits.commandTimeoutMs, limits.commandTimeoutMs));
    await handOverTree(this.#options.workspaceDir, this.#owner);

    const cancel = new AbortController();
    const onCancel = () => cancel.abort();
    request.signal?.addEventListener("abort", onCancel, { once: true });
    this.#disposed.signal.addEventListener("abort", onCancel, { once: true });
    const spec = buildContainerSpec(
      { ...this.#options, labels: { ...this.#options.labels, [SANDBOX_ID_LABEL]: this.id } },
      { argv: buildExecArgv({ command: request.command, cwd }), env, user: `${this.#owner.uid}:${this.#owner.gid}` },
    );
    const started = performance.now();
    let outcome: Awaited<ReturnType<typeof runContainer>>;
    try {
      outcome = await runContainer(this.#docker, spec, {
        maxOutputBytes: limits.maxOutputBytes,
        timeoutMs,
        signal: cancel.signal,
        onCreated: (container) => this.#running.add(container),
        ...(request.onOutput ? { onOutput: liveOutput(request.onOutput) } : {}),
        ...(this.#quota.measureQuota
          ? { watch: () => this.#overQuota(), watchIntervalMs: this.#quota.watchIntervalMs }
          : {}),
      });
    } catch (err) {
      // A dispose or cancel that removed the container under us is a cancellation, whatever the engine said.
      if (cancel.signal.aborted) throw new CancelledError("command cancelled", { cause: err });
      if (dockerStatusCode(err) === 404) throw missingImageError(this.#options.image, err);
      throw toSandboxError("cannot run a command in the sandbox", err);
    } finally {
      this.#running.clear();
      request.signal?.removeEventListener("abort", onCancel);
      this.#disposed.signal.removeEventListener("abort", onCancel);
    }
    const durationMs = Math.round(performance.now() - started);
    const sweep = await sweepTree(this.#options.workspaceDir);
    if (outcome.stopped === "cancel") throw new CancelledError("command cancelled");
    const diskBytes = limits.diskBytes;
    const overQuota = outcome.stopped === "disk-quota" || (diskBytes !== undefined && sweep.bytes > diskBytes);
    return toExecResult(outcome.exitCode, outcome, durationMs, overQuota ? diskBytes : undefined);
  }

  /**
   * Starts `request.command` in a fresh container like `exec` (same spec, user, network, environment rules) with
   * stdin open (see `spawnContainer`). It takes the sandbox's turn: later `exec` calls wait until the process is
   * gone, and the work tree is swept after it as after a command. Capped at min(request.timeoutMs,
   * limits.commandTimeoutMs).
   *
   * @throws SandboxError when the engine fails, on an invalid env, or after dispose; CancelledError when cancelled
   */
  spawn(request: SpawnRequest): Promise<SandboxProcess> {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started = this.#queue.then(
      () => this.#spawn(request, release),
      () => this.#spawn(request, release),
    );
    this.#queue = started.then(
      () => held,
      () => undefined,
    );
    return started;
  }

  async #spawn(request: SpawnRequest, release: () => void): Promise<SandboxProcess> {
    if (this.#disposed.signal.aborted) throw new SandboxError(`sandbox ${this.id} is disposed`);
    if (request.signal?.aborted) throw new CancelledError("command cancelled");
    const cwd = resolveSandboxCwd(undefined, this.#options.mountPath);
    const env = toExecEnv(request.env);
    const limits = this.#options.limits;
    const timeoutMs = Math.max(1, Math.min(request.timeoutMs ?? limits.commandTimeoutMs, limits.commandTimeoutMs));
    await handOverTree(this.#options.workspaceDir, this.#owner);
    const spec = buildContainerSpec(
      { ...this.#options, labels: { ...this.#options.labels, [SANDBOX_ID_LABEL]: this.id } },
      { argv: buildExecArgv({ command: request.command, cwd }), env, user: `${this.#owner.uid}:${this.#owner.gid}` },
    );
    let container: Dockerode.Container | undefined;
    const onCancel = () => void spawned?.close();
    const gone = () => {
      if (container) this.#running.delete(container);
      request.signal?.removeEventListener("abort", onCancel);
      this.#disposed.signal.removeEventListener("abort", onCancel);
      void sweepTree(this.#options.workspaceDir)
        .catch(() => undefined)
        .then(release);
    };
    let spawned: SandboxProcess | undefined;
    try {
      spawned = await spawnContainer(this.#docker, spec, {
        timeoutMs,
        onCreated: (created) => {
          container = created;
          this.#running.add(created);
        },
        onGone: gone,
      });
    } catch (err) {
      release();
      throw err;
    }
    request.signal?.addEventListener("abort", onCancel, { once: true });
    this.#disposed.signal.addEventListener("abort", onCancel, { once: true });
    return spawned;
  }

  async #overQuota(): Promise<StopReason | undefined> {
    const diskBytes = this.#options.limits.diskBytes;
    if (diskBytes === undefined) return undefined;
    return (await treeBytes(this.#options.workspaceDir)) > diskBytes ? "disk-quota" : undefined;
  }

  /** Kills a running command and refuses new ones. Idempotent. */
  dispose(): Promise<void> {
    if (!this.#disposing) {
      this.#disposed.abort();
      this.#disposing = Promise.all([...this.#running].map((c) => removeContainer(c))).then(() => undefined);
    }
    return this.#disposing;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** Adapts an ExecRequest's text listener to raw output pieces; a throwing listener is ignored. */
function liveOutput(listener: (text: string) => void): (payload: Buffer) => void {
  return (payload) => {
    try {
      listener(payload.toString("utf8"));
    } catch {
      // Live output is best effort: a broken listener must not break the command.
    }
  };
}

/** Maps a container's end to the port's ExecResult (timeouts as 124, quota stops as a failure with a note). */
function toExecResult(
  exitCode: number,
  outcome: Awaited<ReturnType<typeof runContainer>>,
  durationMs: number,
  quotaBytes: number | undefined,
): ExecResult {
  const timedOut = outcome.stopped === "timeout";
  const result: ExecResult = {
    exitCode: timedOut ? 124 : quotaBytes !== undefined && exitCode === 0 ? 1 : exitCode,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    durationMs,
    timedOut,
    truncated: outcome.truncated,
    oomKilled: outcome.oomKilled,
  };
  if (quotaBytes !== undefined) {
    result.diskQuotaExceeded = true;
    result.stderr += `\n[tanuki] the work tree went past its disk quota of ${quotaBytes} bytes; the command was stopped\n`;
  }
  return result;
}
