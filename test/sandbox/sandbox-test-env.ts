import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import type { SandboxLimits } from "../../src/sandbox/sandbox.js";
import { describeIfAvailable } from "../helpers/requirements.js";

/** Image the sandbox tests run: `TANUKI_SANDBOX_IMAGE` or the default built by `npm run sandbox:image`. */
export const TEST_SANDBOX_IMAGE = process.env.TANUKI_SANDBOX_IMAGE ?? "tanuki-sandbox:latest";

/** Small caps so that the hostile commands in the tests end fast. */
export const TEST_LIMITS: SandboxLimits = {
  cpus: 1,
  memoryBytes: 128 * 1024 * 1024,
  pids: 64,
  commandTimeoutMs: 3_000,
  maxOutputBytes: 64 * 1024,
  tmpBytes: 16 * 1024 * 1024,
};

/** True when a Docker engine answers and `image` is present (then the real-Docker tests run). */
export async function sandboxAvailable(image = TEST_SANDBOX_IMAGE): Promise<boolean> {
  try {
    const docker = new Dockerode();
    await docker.ping();
    await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

/**
 * The `describe` of every real-Docker test: it runs when a Docker engine answers and the sandbox image is there;
 * otherwise it skips, or fails under CI (see `describeIfAvailable`).
 */
export async function describeWithSandbox(): Promise<(name: string, fn: () => void) => void> {
  return describeIfAvailable(
    await sandboxAvailable(),
    `a Docker engine and the ${TEST_SANDBOX_IMAGE} image (npm run sandbox:image)`,
  );
}

/** A fresh private work copy (mode 0700, like Tanuki's own) holding `files`; remove it with `rm`. */
export async function makeWorkspace(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tanuki-sandbox-test-"));
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

/** Removes a work copy made by {@link makeWorkspace}. */
export async function removeWorkspace(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** True while the engine still knows container `id`. */
export async function containerExists(docker: Dockerode, id: string): Promise<boolean> {
  try {
    await docker.getContainer(id).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

/** Ids of the containers (running or not) of the sandbox whose id is `sandboxId`. */
export async function sandboxContainers(docker: Dockerode, sandboxId: string): Promise<string[]> {
  const list = await docker.listContainers({ all: true, filters: { label: [`tanuki.sandbox.id=${sandboxId}`] } });
  return list.map((c) => c.Id);
}

/** Polls until container `id` is gone or `timeoutMs` passes; returns whether it is gone. */
export async function waitContainerGone(docker: Dockerode, id: string, timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!(await containerExists(docker, id))) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
