import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

const ENTRY = join(import.meta.dirname, "..", "integration", "serve", "serve-entry.ts");

/** A `tanuki serve` child process and the API root it printed. */
export interface ServeProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>/v1` */
  url: string;
  stderr: () => string;
}

/**
 * Starts the real CLI's `tanuki serve --port 0 <args>` as a child process (through tsx) and resolves once it prints
 * `listening on <url>/v1`. Rejects when it exits first or prints nothing within `startMs` (default 120,000 ms).
 */
export function startServeProcess(args: string[], env: NodeJS.ProcessEnv, startMs = 120_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", ENTRY, "serve", "--port", "0", ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr?.on("data", (chunk) => {
    err += String(chunk);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tanuki serve did not start:\n${err}`)), startMs);
    child.once("exit", (code) => reject(new Error(`tanuki serve exited with ${code}:\n${err}`)));
    child.stdout?.on("data", (chunk) => {
      out += String(chunk);
      const match = /listening on (http:\/\/\S+)\/v1/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: `${match[1]}/v1`, stderr: () => err });
      }
    });
  });
}

/** Stops a serve process (SIGCONT first, in case a test paused it) and waits for it to exit. */
export async function stopServeProcess(serve: ServeProcess | undefined): Promise<void> {
  if (serve === undefined || serve.child.exitCode !== null) return;
  const exited = new Promise((resolve) => serve.child.once("exit", resolve));
  serve.child.kill("SIGCONT");
  serve.child.kill("SIGTERM");
  await exited;
}
