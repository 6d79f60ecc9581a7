import type { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import { dockerStatusCode, toSandboxError } from "./docker-errors.js";
import { OutputCollector } from "./output-collector.js";

/** Why a command container was stopped before it exited by itself. */
export type StopReason = "timeout" | "cancel" | "disk-quota";

/** How one command container ended. */
export interface ContainerRunOutcome {
  /** Exit status reported by the engine (137 when it was killed). */
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
  /** Set when Tanuki stopped the container (wall-time cap, cancellation, disk quota). */
  stopped?: StopReason;
  /** True when the memory cgroup's OOM killer fired in this container. */
  oomKilled: boolean;
}

/** Options of {@link runContainer}. */
export interface ContainerRunOptions {
  /** Cap on kept stdout+stderr, bytes; the rest is read and dropped. */
  maxOutputBytes: number;
  /** Wall-time cap, ms: past it the container is killed and `stopped` is `timeout`. */
  timeoutMs: number;
  signal?: AbortSignal;
  /**
   * Called every `watchIntervalMs` while the command runs; answering a reason stops the container with it
   * (used to measure the work tree against its disk quota where no volume enforces it).
   */
  watch?: () => Promise<StopReason | undefined>;
  watchIntervalMs?: number;
  /** Called with each piece of output (stdout and stderr) as it arrives, also past the cap. */
  onOutput?: (payload: Buffer) => void;
  /** Called with the container once it is created (so a dispose can remove it). */
  onCreated?: (container: Dockerode.Container) => void;
}

/** How long the output stream may lag the container's exit, ms, before it is abandoned. */
const STREAM_DRAIN_MS = 2_000;

/**
 * Runs one command as its own container: create (from `spec`), attach to its output, start, wait until it exits
 * or is stopped (wall-time cap, `signal`, `watch`), then remove it with every process it started. When this
 * resolves, nothing the command started is alive any more: the container and its cgroup are gone.
 *
 * Inspired by the one-container-per-command isolation of SWE-bench's evaluation harness; it costs a container
 * start per command (~0.2 s) and buys the guarantee that no daemon outlives its command.
 *
 * @throws Dockerode errors from `createContainer` as they are (the caller maps a 404 to a missing image)
 * @throws SandboxError when the engine fails after the container exists (it is removed all the same)
 */
export async function runContainer(
  docker: Dockerode,
  spec: Dockerode.ContainerCreateOptions,
  options: ContainerRunOptions,
): Promise<ContainerRunOutcome> {
  const container = await docker.createContainer(spec);
  options.onCreated?.(container);
  try {
    return await attachStartWait(container, options);
  } finally {
    await removeContainer(container);
  }
}

async function attachStartWait(
  container: Dockerode.Container,
  options: ContainerRunOptions,
): Promise<ContainerRunOutcome> {
  const collector = new OutputCollector(options.maxOutputBytes, options.onOutput);
  let stream: Duplex;
  try {
    stream = (await container.attach({ stream: true, stdout: true, stderr: true, hijack: true })) as Duplex;
  } catch (err) {
    throw toSandboxError("cannot attach to a sandbox command", err);
  }
  const streamEnded = new Promise<void>((resolve) => {
    stream.on("data", (chunk: Buffer) => collector.push(chunk));
    stream.once("end", resolve);
    stream.once("close", resolve);
    stream.once("error", () => resolve());
  });

  let stopped: StopReason | undefined;
  const stop = (reason: StopReason) => {
    if (stopped) return;
    stopped = reason;
    container.kill({ signal: "SIGKILL" }).catch(() => undefined);
  };
  const onAbort = () => stop("cancel");
  const timer = setTimeout(() => stop("timeout"), Math.max(1, options.timeoutMs));
  let watching = false;
  const watcher = options.watch
    ? setInterval(() => {
        if (watching || stopped) return;
        watching = true;
        options
          .watch?.()
          .then((reason) => reason && stop(reason))
          .catch(() => undefined)
          .finally(() => {
            watching = false;
          });
      }, options.watchIntervalMs ?? 5_000)
    : undefined;
  try {
    try {
      await container.start();
    } catch (err) {
      stream.destroy();
      throw toSandboxError("cannot start a sandbox command", err);
    }
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    let exitCode: number;
    try {
      const waited = (await container.wait()) as { StatusCode?: number };
      exitCode = typeof waited.StatusCode === "number" ? waited.StatusCode : 137;
    } catch (err) {
      throw toSandboxError("lost track of a sandbox command", err);
    }
    await Promise.race([streamEnded, new Promise((r) => setTimeout(r, STREAM_DRAIN_MS).unref())]);
    stream.destroy();
    const oomKilled = await container.inspect().then(
      (info) => info.State?.OOMKilled === true,
      () => false,
    );
    return { exitCode, ...collector.result(), ...(stopped ? { stopped } : {}), oomKilled };
  } finally {
    clearTimeout(timer);
    if (watcher) clearInterval(watcher);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * Removes a container and its anonymous volumes (force: kills what still runs) and resolves once it is gone.
 * Already gone is fine; when another caller's removal is in progress (409), this waits for that removal to end,
 * so that "resolved" always means "no process of it is alive".
 */
export async function removeContainer(container: Dockerode.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (err) {
    const status = dockerStatusCode(err);
    if (status === 404) return;
    if (status === 409) {
      await container.wait({ condition: "removed" }).catch(() => undefined);
      return;
    }
    throw toSandboxError(`cannot remove sandbox container ${container.id.slice(0, 12)}`, err);
  }
}
