import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import Dockerode from "dockerode";
import { EnvironmentConfig } from "../../src/config/environment-config.js";
import { DockerEnvironmentProvider } from "../../src/environment/docker-environment-provider.js";
import { startEgressProxy } from "../../src/environment/egress-proxy.js";
import type { EnvironmentOutcome } from "../../src/environment/environment.js";
import { EGRESS_PROXY_PORT, renderSquidConfig } from "../../src/environment/squid-config.js";
import { DockerSandboxProvider } from "../../src/sandbox/docker-sandbox.js";
import type { ExecResult } from "../../src/sandbox/sandbox.js";
import { GitWorkspaceProvider } from "../../src/workspace/git-workspace.js";
import type { Workspace } from "../../src/workspace/workspace.js";
import { git } from "../helpers/app-git.js";
import { TEST_LIMITS, TEST_SANDBOX_IMAGE } from "./sandbox-test-env.js";

/** Image of the egress proxy the tests use (scripts/build-env-images.sh egress). */
export const TEST_EGRESS_IMAGE = process.env.TANUKI_EGRESS_IMAGE ?? "tanuki-egress:latest";

/** True when the engine has every image in `images`. */
export async function imagesAvailable(...images: string[]): Promise<boolean> {
  try {
    const docker = new Dockerode();
    for (const image of images) await docker.getImage(image).inspect();
    return true;
  } catch {
    return false;
  }
}

/** A committed git repository holding `files`, and a work copy of it opened like the loop does. */
export async function openRepo(
  files: Record<string, string>,
): Promise<{ workspace: Workspace; cleanup(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), "tanuki-env-test-"));
  const repo = join(root, "repo");
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(repo, path)), { recursive: true });
    await writeFile(join(repo, path), content);
  }
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "fixture");
  const workspace = await new GitWorkspaceProvider().open(repo, { workRoot: join(root, "work") });
  return {
    workspace,
    cleanup: async () => {
      await workspace.dispose().catch(() => undefined);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Tools of one test: a real environment provider over the real sandbox provider. */
export function environmentTools() {
  const sandboxes = new DockerSandboxProvider();
  const provider = new DockerEnvironmentProvider({ sandboxes, docker: sandboxes.docker });
  const prepare = async (
    workspace: Workspace,
    config: Partial<EnvironmentConfig> & Record<string, unknown> = {},
    extra: { setupCommand?: string; scope?: string; onOutput?: (command: string, tail: string[]) => void } = {},
  ): Promise<EnvironmentOutcome> =>
    provider.prepare({
      workspaceDir: workspace.dir,
      repo: { files: await workspace.listFiles(), read: (path) => workspace.readFile(path) },
      config: EnvironmentConfig.parse({ egressImage: TEST_EGRESS_IMAGE, caBundle: "none", ...config }),
      ...(extra.setupCommand ? { setupCommand: extra.setupCommand } : {}),
      sandboxImage: TEST_SANDBOX_IMAGE,
      limits: { ...TEST_LIMITS, memoryBytes: 512 * 1024 * 1024, commandTimeoutMs: 120_000 },
      cacheScope: extra.scope ?? `test-${Math.random().toString(36).slice(2)}`,
      labels: { "tanuki.test": "environment" },
      ...(extra.onOutput ? { onOutput: extra.onOutput } : {}),
    });
  /** Runs `command` in a no-network sandbox of the prepared environment, like the test phase. */
  const runTests = async (workspace: Workspace, outcome: EnvironmentOutcome, command: string): Promise<ExecResult> => {
    if (!outcome.ok) throw new Error(`environment failed: ${outcome.report.message}\n${outcome.report.logTail}`);
    const sandbox = await sandboxes.create({
      workspaceDir: workspace.dir,
      image: outcome.environment.image,
      env: outcome.environment.env,
      limits: { ...TEST_LIMITS, memoryBytes: 512 * 1024 * 1024, commandTimeoutMs: 120_000 },
    });
    try {
      return await sandbox.exec({ command });
    } finally {
      await sandbox.dispose();
    }
  };
  return { provider, prepare, runTests, docker: sandboxes.docker };
}

/**
 * A corporate-style forward proxy for the tests: a Squid container (the egress image) on Docker's default bridge
 * that lets through only `host:port` (e.g. a registry the test serves on the bridge's gateway). `url` is its
 * address on the bridge, as an operator's HTTPS_PROXY would be; `accessLog` shows what went through it.
 */
export async function startUpstreamProxy(
  docker: Dockerode,
  allow: { host: string; port: number },
): Promise<{ url: string; accessLog(): Promise<string>; dispose(): Promise<void> }> {
  const proxy = await startEgressProxy(docker, {
    image: TEST_EGRESS_IMAGE,
    squidConf: renderSquidConfig({ hosts: [], hostPorts: [], mirrors: [allow] }),
    labels: { "tanuki.test": "upstream-proxy" },
  });
  const info = await docker.getContainer(proxy.host).inspect();
  const address = info.NetworkSettings.Networks.bridge?.IPAddress;
  if (!address) {
    await proxy.dispose();
    throw new Error("the upstream proxy has no address on the default bridge");
  }
  return { url: `http://${address}:${EGRESS_PROXY_PORT}`, accessLog: proxy.accessLog, dispose: proxy.dispose };
}
