import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { CancelledError, isTanukiError, SandboxError } from "../../src/core/errors.js";
import { DockerSandboxProvider } from "../../src/sandbox/docker-sandbox.js";
import type { Sandbox } from "../../src/sandbox/sandbox.js";
import { sandboxOwnerFor } from "../../src/sandbox/tree-handover.js";
import {
  describeWithSandbox,
  makeWorkspace,
  removeWorkspace,
  sandboxContainers,
  TEST_LIMITS,
  TEST_SANDBOX_IMAGE,
} from "./sandbox-test-env.js";

const describeDocker = await describeWithSandbox();

const HOST_SECRET = `s3cr3t-${process.pid}-${Date.now()}`;
const OWNER = sandboxOwnerFor();

describeDocker("DockerSandbox on the real engine", () => {
  const docker = new Dockerode();
  const provider = new DockerSandboxProvider({ docker });
  let workspace: string;
  let sandbox: Sandbox;

  beforeAll(async () => {
    process.env.TANUKI_TEST_SECRET = HOST_SECRET;
    process.env.GITHUB_TOKEN = HOST_SECRET;
    workspace = await makeWorkspace({ "hello.txt": "hello from the host\n" });
    sandbox = await provider.create({
      workspaceDir: workspace,
      image: TEST_SANDBOX_IMAGE,
      limits: TEST_LIMITS,
      labels: { "tanuki.job": `test-${process.pid}` },
    });
  });

  afterAll(async () => {
    delete process.env.TANUKI_TEST_SECRET;
    delete process.env.GITHUB_TOKEN;
    await sandbox?.dispose();
    if (workspace) await removeWorkspace(workspace);
  });

  it("runs a shell command in the workspace and separates stdout from stderr", async () => {
    const result = await sandbox.exec({ command: "pwd && cat hello.txt && echo oops >&2 && exit 3" });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, truncated: false, oomKilled: false });
    expect(result.stdout).toBe("/workspace\nhello from the host\n");
    expect(result.stderr).toBe("oops\n");
  });

  it("honours cwd and extra env", async () => {
    await sandbox.exec({ command: "mkdir -p sub/dir" });
    const result = await sandbox.exec({ command: 'pwd; echo "$GREETING"', cwd: "sub/dir", env: { GREETING: "hi" } });
    expect(result.stdout).toBe("/workspace/sub/dir\nhi\n");
    await expect(sandbox.exec({ command: "true", cwd: "../etc" })).rejects.toBeInstanceOf(SandboxError);
  });

  it("writes to the workspace as the sandbox user, nothing world-writable, and to /tmp", async () => {
    const result = await sandbox.exec({
      command:
        "echo made-inside > out.txt && mkdir -p made && echo x > made/f && echo more >> hello.txt && echo t > /tmp/t && cat /tmp/t",
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("t\n");
    expect(await readFile(join(workspace, "out.txt"), "utf8")).toBe("made-inside\n");
    expect(await readFile(join(workspace, "hello.txt"), "utf8")).toBe("hello from the host\nmore\n");
    const made = await stat(join(workspace, "made", "f"));
    expect(made.uid).toBe(OWNER.uid);
    expect(made.mode & 0o002).toBe(0);
    expect((await stat(join(workspace, "made"))).mode & 0o002).toBe(0);
  });

  it("has a read-only root file system", async () => {
    const result = await sandbox.exec({ command: "touch /usr/local/bin/evil" });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/read-only file system/i);
  });

  it("runs as the unprivileged sandbox user with no capabilities", async () => {
    const result = await sandbox.exec({ command: "id -u; id -g; grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status" });
    const [uid, gid, ...caps] = result.stdout.trim().split("\n");
    expect([uid, gid]).toEqual([String(OWNER.uid), String(OWNER.gid)]);
    expect(uid).not.toBe("0");
    expect(caps).toHaveLength(3);
    for (const line of caps) expect(line).toMatch(/:\s+0{16}$/);
  });

  it("has no network but loopback, where localhost resolves and a local server answers", async () => {
    const script = [
      "import socket, threading",
      "for target in [('1.1.1.1', 53), ('8.8.8.8', 443)]:",
      "    try:",
      "        socket.create_connection(target, timeout=2); print('connected', target)",
      "    except OSError as e: print('refused', type(e).__name__)",
      "try:",
      "    socket.getaddrinfo('deb.debian.org', 80); print('resolved')",
      "except OSError as e: print('no-dns', type(e).__name__)",
      "srv = socket.socket(); srv.bind(('localhost', 0)); srv.listen(1)",
      "port = srv.getsockname()[1]",
      "threading.Thread(target=lambda: srv.accept()[0].sendall(b'pong'), daemon=True).start()",
      "c = socket.create_connection(('localhost', port), timeout=5); print('local', c.recv(4).decode())",
    ].join("\n");
    const result = await sandbox.exec({ command: `ls /sys/class/net; python3 -c "${script}"` });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe("lo");
    expect(result.stdout).not.toMatch(/connected|resolved/);
    expect(result.stdout.match(/refused/g)).toHaveLength(2);
    expect(result.stdout).toContain("no-dns");
    expect(result.stdout).toContain("local pong");
  });

  it("does not pass the host environment in", async () => {
    expect(process.env.GITHUB_TOKEN).toBe(HOST_SECRET);
    const result = await sandbox.exec({ command: "env" });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain(HOST_SECRET);
    expect(result.stdout).not.toMatch(/^(TANUKI_TEST_SECRET|GITHUB_TOKEN)=/m);
    expect(result.stdout).toMatch(/^HOME=\/tmp$/m);
  });

  it("contains a fork bomb with the pids cap, and the next command starts clean", async () => {
    const bomb = await sandbox.exec({ command: "bomb() { bomb | bomb & }; bomb; sleep 1" });
    expect(bomb.stderr).toMatch(/fork|resource temporarily unavailable/i);
    const after = await sandbox.exec({
      command: "cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null; ps -e --no-headers | wc -l",
    });
    expect(after.exitCode).toBe(0);
    const [max, count] = after.stdout.trim().split("\n");
    expect(Number(max)).toBe(TEST_LIMITS.pids);
    expect(Number(count)).toBeLessThan(10);
  });

  it("kills a memory hog at the memory cap and reports it for that command only", async () => {
    const result = await sandbox.exec({ command: "python3 -c 'b = bytearray(512 * 1024 * 1024); print(len(b))'" });
    expect(result.exitCode).toBe(137);
    expect(result.oomKilled).toBe(true);
    expect(result.timedOut).toBe(false);
    expect(result.stdout).toBe("");
    const next = await sandbox.exec({ command: "false" });
    expect(next.oomKilled).toBe(false);
  });

  it("kills an endless loop and its children at the sandbox's cap (a longer request is clamped)", async () => {
    const result = await sandbox.exec({ command: "sleep 600 & while :; do :; done", timeoutMs: 60_000 });
    expect(result).toMatchObject({ exitCode: 124, timedOut: true });
    expect(result.durationMs).toBeGreaterThanOrEqual(TEST_LIMITS.commandTimeoutMs);
    expect(await sandboxContainers(docker, sandbox.id)).toEqual([]);
  });

  it("leaves no process behind: a setsid daemon dies with its command's container", async () => {
    const result = await sandbox.exec({
      command:
        "setsid sh -c 'while :; do date +%s%N > beat; sleep 0.05; done' </dev/null >/dev/null 2>&1 & sleep 0.3; echo started",
    });
    expect(result.stdout).toBe("started\n");
    expect(await sandboxContainers(docker, sandbox.id)).toEqual([]);
    const next = await sandbox.exec({ command: "ps -e -o comm= | grep -c -x sleep || true" });
    expect(next.stdout.trim()).toBe("0");
  });

  it("caps a flood of output, keeps its head and its tail, and marks it truncated", async () => {
    // One stream only: the engine forwards stdout and stderr from separate pipes, so their relative order on
    // arrival is not the order the command wrote them in; within one stream it is.
    const summary = "\n== 3 passed ==";
    const result = await sandbox.exec({
      command: `head -c 20000000 /dev/zero | tr '\\0' o; printf '${summary.replace("\n", "\\n")}'`,
    });
    expect(result.exitCode).toBe(0);
    expect(result.truncated).toBe(true);
    expect(result.stderr).toBe("");
    // What the command wrote last (its summary, its traceback) survives the flood before it.
    const parts = result.stdout.match(/^(o+)\n\[… (\d+) bytes of output dropped …\]\n(o+)\n== 3 passed ==$/);
    expect(parts).not.toBeNull();
    const [, head = "", dropped = "", tail = ""] = parts ?? [];
    expect(head.length).toBe(TEST_LIMITS.maxOutputBytes / 2);
    expect(tail.length + summary.length).toBe(TEST_LIMITS.maxOutputBytes / 2);
    expect(Number(dropped)).toBe(20_000_000 - head.length - tail.length);
  });

  it("cancels a running command through its signal and removes its container", async () => {
    const controller = new AbortController();
    const running = sandbox.exec({ command: "echo up; sleep 30", signal: controller.signal });
    await waitUntil(async () => (await sandboxContainers(docker, sandbox.id)).length > 0);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(await sandboxContainers(docker, sandbox.id)).toEqual([]);
  });
});

describeDocker("DockerSandboxProvider life cycle on the real engine", () => {
  const docker = new Dockerode();
  const provider = new DockerSandboxProvider({ docker });
  let workspace: string;

  beforeAll(async () => {
    workspace = await makeWorkspace();
  });
  afterAll(async () => {
    if (workspace) await removeWorkspace(workspace);
  });

  it("requireImage passes for the built image and names the build command for a missing one", async () => {
    await expect(provider.requireImage(TEST_SANDBOX_IMAGE)).resolves.toBeUndefined();
    const missing = provider.requireImage("tanuki-sandbox:does-not-exist");
    await expect(missing).rejects.toMatchObject({ code: "sandbox-image" });
    await expect(missing).rejects.toThrow(/npm run sandbox:image/);
  });

  it("dispose kills a running command, twice is fine, exec afterwards fails", async () => {
    const sandbox = await provider.create({ workspaceDir: workspace, image: TEST_SANDBOX_IMAGE, limits: TEST_LIMITS });
    const running = sandbox.exec({ command: "sleep 30" });
    await waitUntil(async () => (await sandboxContainers(docker, sandbox.id)).length > 0);
    await sandbox.dispose();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(await sandboxContainers(docker, sandbox.id)).toEqual([]);
    await expect(sandbox.dispose()).resolves.toBeUndefined();
    await expect(sandbox.exec({ command: "true" })).rejects.toBeInstanceOf(SandboxError);
  });

  it("the creation signal disposes the sandbox and cancels its command", async () => {
    const controller = new AbortController();
    const sandbox = await provider.create({
      workspaceDir: workspace,
      image: TEST_SANDBOX_IMAGE,
      limits: TEST_LIMITS,
      signal: controller.signal,
    });
    const running = sandbox.exec({ command: "sleep 30" });
    await waitUntil(async () => (await sandboxContainers(docker, sandbox.id)).length > 0);
    controller.abort();
    await expect(running).rejects.toBeInstanceOf(CancelledError);
    expect(await sandboxContainers(docker, sandbox.id)).toEqual([]);
  });

  it("mounts the tree where the image expects the repository (mountPath) and starts commands there", async () => {
    const sandbox = await provider.create({
      workspaceDir: workspace,
      image: TEST_SANDBOX_IMAGE,
      limits: TEST_LIMITS,
      mountPath: "/testbed",
    });
    try {
      const result = await sandbox.exec({ command: "pwd; echo hi > from-testbed.txt; ls /workspace 2>&1 | head -1" });
      expect(result.stdout.split("\n")[0]).toBe("/testbed");
      expect(await readFile(join(workspace, "from-testbed.txt"), "utf8")).toBe("hi\n");
    } finally {
      await sandbox.dispose();
    }
    await expect(
      provider.create({ workspaceDir: workspace, image: TEST_SANDBOX_IMAGE, limits: TEST_LIMITS, mountPath: "/" }),
    ).rejects.toBeInstanceOf(SandboxError);
  });

  it("fails with sandbox-image and the build command when the image is missing", async () => {
    const error = await provider
      .create({ workspaceDir: workspace, image: "tanuki-sandbox-missing:nope", limits: TEST_LIMITS })
      .catch((err: unknown) => err);
    expect(isTanukiError(error, "sandbox-image")).toBe(true);
    expect((error as Error).message).toContain("npm run sandbox:image");
  });

  it("removes leftovers of a crashed job by label, and only those", async () => {
    const { removeLeftoverSandboxes } = await import("../../src/sandbox/leftover-sandboxes.js");
    const job = `crashed-${process.pid}-${Date.now()}`;
    const crashed = await provider.create({
      workspaceDir: workspace,
      image: TEST_SANDBOX_IMAGE,
      limits: TEST_LIMITS,
      labels: { "tanuki.job": job },
    });
    const other = await provider.create({ workspaceDir: workspace, image: TEST_SANDBOX_IMAGE, limits: TEST_LIMITS });
    const crashedRun = crashed.exec({ command: "sleep 30" });
    const otherRun = other.exec({ command: "sleep 30" });
    try {
      await waitUntil(async () => (await sandboxContainers(docker, crashed.id)).length > 0);
      await waitUntil(async () => (await sandboxContainers(docker, other.id)).length > 0);
      const [leftover] = await sandboxContainers(docker, crashed.id);
      expect(await removeLeftoverSandboxes(docker, { "tanuki.job": job })).toEqual([leftover]);
      await expect(crashedRun).resolves.toMatchObject({ exitCode: 137 });
      expect(await sandboxContainers(docker, other.id)).toHaveLength(1);
    } finally {
      await other.dispose();
      await crashed.dispose();
      await otherRun.catch(() => undefined);
    }
  });
});

/** Polls `check` (engine state, not time) until it holds. */
async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 50));
}
