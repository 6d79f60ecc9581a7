import { lstat, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterEach, beforeEach, expect, it } from "vitest";
import { DockerSandboxProvider } from "../../src/sandbox/docker-sandbox.js";
import { createWorkTreeVolume, type WorkTreeVolume } from "../../src/workspace/work-tree-volume.js";
import {
  describeWithSandbox,
  sandboxContainers,
  TEST_LIMITS,
  TEST_SANDBOX_IMAGE,
} from "../sandbox/sandbox-test-env.js";

const describeDocker = await describeWithSandbox();
const asRoot = process.getuid?.() === 0;
const QUOTA = 32 * 1024 * 1024;

describeDocker("the work tree's disk quota, setuid bits and planted .git entries (real Docker)", () => {
  const docker = new Dockerode();
  let parent: string;
  let volume: WorkTreeVolume | undefined;

  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), "tanuki-sec-quota-"));
  });
  afterEach(async () => {
    await volume?.release();
    volume = undefined;
    await rm(parent, { recursive: true, force: true });
  });

  it.runIf(asRoot)(
    "as root, the tree is a quota volume: writing past it fails with ENOSPC inside, the host disk is untouched",
    async () => {
      volume = await createWorkTreeVolume(join(parent, "tree"), { diskBytes: QUOTA });
      expect(volume.kind).toBe("mount");
      const sandbox = await new DockerSandboxProvider({ docker }).create({
        workspaceDir: volume.path,
        image: TEST_SANDBOX_IMAGE,
        limits: { ...TEST_LIMITS, diskBytes: QUOTA, commandTimeoutMs: 60_000 },
      });
      try {
        const result = await sandbox.exec({ command: "dd if=/dev/zero of=big bs=1M count=100 2>&1; echo rc=$?" });
        expect(result.stdout).toMatch(/No space left on device/);
        expect(result.stdout).not.toContain("rc=0");
        expect(result.diskQuotaExceeded).not.toBe(true);
        expect((await stat(join(volume.path, "big"))).size).toBeLessThan(QUOTA);
        // Mounted nosuid: a setuid file written inside means nothing outside (and the bit is cleared anyway).
        await sandbox.exec({ command: "rm -f big; cp /bin/true suid && chmod 4755 suid" });
        expect((await stat(join(volume.path, "suid"))).mode & 0o6000).toBe(0);
      } finally {
        await sandbox.dispose();
      }
    },
  );

  it("on a plain folder, a command that grows the tree past the quota is stopped and reported", async () => {
    const tree = join(parent, "plain");
    volume = await createWorkTreeVolume(tree, {});
    const sandbox = await new DockerSandboxProvider({ docker, quotaWatchIntervalMs: 200 }).create({
      workspaceDir: tree,
      image: TEST_SANDBOX_IMAGE,
      limits: { ...TEST_LIMITS, diskBytes: QUOTA, commandTimeoutMs: 60_000 },
    });
    try {
      const result = await sandbox.exec({
        command: "i=0; while [ $i -lt 200 ]; do head -c 1048576 /dev/zero > f$i; i=$((i+1)); done",
      });
      expect(result.diskQuotaExceeded).toBe(true);
      expect(result.exitCode).not.toBe(0);
      expect(result.stderr).toContain(`disk quota of ${QUOTA} bytes`);
      expect(await sandboxContainers(docker, sandbox.id)).toEqual([]);
    } finally {
      await sandbox.dispose();
    }
  });

  it("removes every .git the command plants and clears setuid/setgid bits before the host looks again", async () => {
    const tree = join(parent, "sweep");
    volume = await createWorkTreeVolume(tree, {});
    await writeFile(join(tree, "keep.txt"), "keep\n");
    const sandbox = await new DockerSandboxProvider({ docker }).create({
      workspaceDir: tree,
      image: TEST_SANDBOX_IMAGE,
      limits: TEST_LIMITS,
    });
    try {
      const result = await sandbox.exec({
        command:
          "mkdir -p .git/hooks a/b/.git && echo '[core] fsmonitor = x' > .git/config && echo gitdir: /x > a/.git && " +
          "echo evil > a/b/.git/config && cp /bin/true s && chmod 6755 s",
      });
      expect(result.exitCode).toBe(0);
      const left = await readdir(tree, { recursive: true });
      expect(left.filter((p) => /(^|\/)\.git(\/|$)/.test(String(p)))).toEqual([]);
      expect(left).toContain("keep.txt");
      expect((await lstat(join(tree, "s"))).mode & 0o6000).toBe(0);
    } finally {
      await sandbox.dispose();
    }
  });
});
