import Dockerode from "dockerode";
import { afterEach, beforeEach, expect, it } from "vitest";
import { DockerSandboxProvider } from "../../src/sandbox/docker-sandbox.js";
import type { Sandbox, SandboxProcess } from "../../src/sandbox/sandbox.js";
import {
  describeWithSandbox,
  makeWorkspace,
  removeWorkspace,
  sandboxContainers,
  TEST_LIMITS,
  TEST_SANDBOX_IMAGE,
} from "./sandbox-test-env.js";

const describeDocker = await describeWithSandbox();

/** Everything `process` writes to stdout until its stdout has `until` in it. */
function readUntil(process: SandboxProcess, until: string): Promise<string> {
  let text = "";
  return new Promise((resolve) => {
    process.onStdout((chunk) => {
      text += Buffer.from(chunk).toString("utf8");
      if (text.includes(until)) resolve(text);
    });
  });
}

describeDocker("DockerSandbox.spawn: a long-running process with stdin open (repository MCP servers)", () => {
  const docker = new Dockerode();
  const provider = new DockerSandboxProvider({ docker });
  let workspace: string;
  let sandbox: Sandbox;

  beforeEach(async () => {
    workspace = await makeWorkspace({ "hello.txt": "hi\n" });
    sandbox = await provider.create({
      workspaceDir: workspace,
      image: TEST_SANDBOX_IMAGE,
      limits: { ...TEST_LIMITS, commandTimeoutMs: 60_000 },
    });
  });
  afterEach(async () => {
    await sandbox.dispose();
    await removeWorkspace(workspace);
  });

  it("speaks over stdin/stdout in the work tree, with no network; exec waits until it has ended", async () => {
    const spawned = await (sandbox.spawn as NonNullable<Sandbox["spawn"]>)({
      command:
        'cat hello.txt; ls /sys/class/net; while read -r line; do [ "$line" = finish ] && { echo done > done.txt; exit 0; }; echo "got $line"; done',
    });
    const first = readUntil(spawned, "got ping");
    spawned.write("ping\n");
    expect(await first).toBe("hi\nlo\ngot ping\n");

    // requested while the process lives: it runs only once the process has written done.txt and exited
    const exec = sandbox.exec({ command: "cat done.txt" });
    spawned.write("finish\n");
    expect(await exec).toMatchObject({ exitCode: 0, stdout: "done\n" });
    expect(await sandboxContainers(docker, sandbox.id)).toEqual([]);

    const closed = await (sandbox.spawn as NonNullable<Sandbox["spawn"]>)({ command: "sleep 600" });
    await closed.close();
    expect((await sandbox.exec({ command: "echo after" })).stdout).toBe("after\n");
  });

  it("reports its exit code when it ends by itself; dispose kills one still running", async () => {
    const ended = await (sandbox.spawn as NonNullable<Sandbox["spawn"]>)({ command: "exit 7" });
    const code = await new Promise<number>((resolve) => ended.onExit(resolve));
    expect(code).toBe(7);
    const running = await (sandbox.spawn as NonNullable<Sandbox["spawn"]>)({ command: "sleep 600" });
    const exit = new Promise<number>((resolve) => running.onExit(resolve));
    await sandbox.dispose();
    expect(await exit).toBe(137);
    expect(await sandboxContainers(docker, sandbox.id)).toEqual([]);
  });
});
