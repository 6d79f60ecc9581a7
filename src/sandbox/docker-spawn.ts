import type { Duplex } from "node:stream";
import { PassThrough } from "node:stream";
import type Dockerode from "dockerode";
import { toSandboxError } from "./docker-errors.js";
import { removeContainer } from "./docker-run.js";
import type { SandboxProcess } from "./sandbox.js";

/** Options of {@link spawnContainer}. */
export interface SpawnContainerOptions {
  /** Wall-time cap of the whole process, ms: past it the container is killed (exit 137). */
  timeoutMs: number;
  /** Called with the container once it is created (so a dispose can remove it). */
  onCreated?: (container: Dockerode.Container) => void;
  /** Called once, after the container is gone (exited, killed or closed, and removed). */
  onGone?: () => void;
}

/**
 * Starts one long-running command as its own container with stdin open (`spec` from `buildContainerSpec`, made
 * interactive here) and hands back its streams: stdin through the hijacked attach connection, stdout and stderr
 * demultiplexed with dockerode's `demuxStream` (no TTY). The container is removed when it exits, when `close` is
 * called, or at the time cap; `onGone` runs after that removal.
 *
 * @throws SandboxError when the engine cannot create, attach or start it (the container is removed first)
 */
export async function spawnContainer(
  docker: Dockerode,
  spec: Dockerode.ContainerCreateOptions,
  options: SpawnContainerOptions,
): Promise<SandboxProcess> {
  const container = await docker
    .createContainer({ ...spec, OpenStdin: true, StdinOnce: true, AttachStdin: true })
    .catch((err: unknown) => {
      throw toSandboxError("cannot create a sandbox process", err);
    });
  options.onCreated?.(container);
  let gone: Promise<void> | undefined;
  const exitListeners: Array<(code: number) => void> = [];
  let exitCode: number | undefined;
  const finish = (code: number) => {
    if (exitCode !== undefined) return;
    exitCode = code;
    for (const listener of exitListeners) listener(code);
  };
  const close = () => {
    gone ??= removeContainer(container)
      .catch(() => undefined)
      .then(() => {
        finish(137);
        options.onGone?.();
      });
    return gone;
  };
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let stream: Duplex;
  try {
    stream = (await container.attach({
      stream: true,
      stdin: true,
      stdout: true,
      stderr: true,
      hijack: true,
    })) as Duplex;
    docker.modem.demuxStream(stream, stdout, stderr);
    stream.on("error", () => undefined);
    await container.start();
  } catch (err) {
    await close();
    throw toSandboxError("cannot start a sandbox process", err);
  }
  const timer = setTimeout(() => void close(), Math.max(1, options.timeoutMs));
  timer.unref();
  container.wait().then(
    (waited: { StatusCode?: number }) => {
      clearTimeout(timer);
      finish(typeof waited.StatusCode === "number" ? waited.StatusCode : 137);
      void close();
    },
    () => void close(),
  );
  return {
    write: (data) => {
      if (exitCode === undefined && gone === undefined) stream.write(data);
    },
    onStdout: (listener) => stdout.on("data", listener),
    onStderr: (listener) => stderr.on("data", listener),
    onExit: (listener) => {
      if (exitCode !== undefined) listener(exitCode);
      else exitListeners.push(listener);
    },
    close: () => {
      clearTimeout(timer);
      stream.end();
      return close();
    },
  };
}
