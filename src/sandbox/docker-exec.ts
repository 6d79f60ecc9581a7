import type { Duplex } from "node:stream";
import type Dockerode from "dockerode";
import { toSandboxError } from "./docker-errors.js";
import { OutputCollector } from "./output-collector.js";

/** How one raw exec ended. */
export interface RawExecOutcome {
  /** Exit code reported by the engine; undefined when the stream was abandoned (deadline, abort). */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  truncated: boolean;
  /** The stream was still open at `deadlineMs` and was abandoned. */
  deadlineHit: boolean;
  /** `signal` fired before the command finished. */
  aborted: boolean;
}

/** Options of {@link runDockerExec}. */
export interface RawExecOptions {
  argv: string[];
  env: string[];
  user: string;
  /** Cap on kept stdout+stderr, bytes; the rest is read and dropped. */
  maxOutputBytes: number;
  /** Give up on the stream after this many ms (a safety net behind the in-container time limit). */
  deadlineMs: number;
  signal?: AbortSignal;
}

/**
 * Runs one `docker exec` (no TTY, no stdin) in `container` and collects its demultiplexed output up to the cap.
 * Output past the cap keeps being drained (so the command is never blocked on a full pipe) but is not kept.
 * Stops waiting when the stream ends, at `deadlineMs`, or when `signal` aborts; in the last two cases the
 * stream is destroyed and the caller must kill what still runs.
 *
 * @throws SandboxError when the engine refuses or fails the exec
 */
export async function runDockerExec(container: Dockerode.Container, options: RawExecOptions): Promise<RawExecOutcome> {
  let exec: Dockerode.Exec;
  let stream: Duplex;
  try {
    exec = await container.exec({
      Cmd: options.argv,
      Env: options.env,
      User: options.user,
      AttachStdin: false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    });
    stream = (await exec.start({ hijack: true, stdin: false })) as Duplex;
  } catch (err) {
    throw toSandboxError("cannot start a command in the sandbox", err);
  }

  const deadline = Date.now() + Math.max(0, options.deadlineMs);
  const collector = new OutputCollector(options.maxOutputBytes);
  const ending = await new Promise<"end" | "deadline" | "abort" | Error>((resolve) => {
    let settled = false;
    const settle = (how: "end" | "deadline" | "abort" | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(how);
    };
    const onAbort = () => settle("abort");
    const timer = setTimeout(() => settle("deadline"), Math.max(0, deadline - Date.now()));
    stream.on("data", (chunk: Buffer) => collector.push(chunk));
    stream.once("end", () => settle("end"));
    stream.once("close", () => settle("end"));
    stream.once("error", (err: Error) => settle(err));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
  });

  const output = collector.result();
  if (ending !== "end") {
    stream.destroy();
    if (ending instanceof Error) throw toSandboxError("lost the output stream of a sandbox command", ending);
    return { exitCode: undefined, ...output, deadlineHit: ending === "deadline", aborted: ending === "abort" };
  }
  // A command can close its output and keep running: wait for its exit up to the deadline.
  const exitCode = await waitExitCode(exec, deadline, options.signal);
  return {
    exitCode,
    ...output,
    deadlineHit: exitCode === undefined && !options.signal?.aborted,
    aborted: !!options.signal?.aborted,
  };
}

/**
 * The exit code once the engine reports the exec finished (it usually lags the end of the stream by a few ms),
 * or undefined when it still runs at `deadline` (epoch ms) or `signal` aborts.
 */
async function waitExitCode(exec: Dockerode.Exec, deadline: number, signal?: AbortSignal): Promise<number | undefined> {
  try {
    for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
      const info = await exec.inspect();
      if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
      if (Date.now() >= deadline || signal?.aborted) return undefined;
      await new Promise((r) => setTimeout(r, delay));
    }
  } catch (err) {
    throw toSandboxError("cannot read the exit code of a sandbox command", err);
  }
}
