import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { EXIT_ENVIRONMENT, exitCodeFor } from "../../../src/cli/exit-codes.js";
import { RunConfig } from "../../../src/config/run-config.js";
import { DockerEnvironmentProvider } from "../../../src/environment/docker-environment-provider.js";
import { runFix } from "../../../src/loop/run-fix.js";
import { writeRunOutputs } from "../../../src/report/run-outputs.js";
import { describeIfAvailable } from "../../helpers/requirements.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";
import { imagesAvailable, TEST_EGRESS_IMAGE } from "../../sandbox/environment-test-env.js";
import { TEST_SANDBOX_IMAGE } from "../../sandbox/sandbox-test-env.js";
import { createBuggyPythonRepo, ISSUE } from "../../unit/loop/fixtures/buggy-python-repo.js";
import { jobContainers, realDeps } from "./docker-loop-env.js";

const describeDocker = describeIfAvailable(
  await imagesAvailable(TEST_SANDBOX_IMAGE, TEST_EGRESS_IMAGE),
  `a Docker engine and the ${TEST_SANDBOX_IMAGE} and ${TEST_EGRESS_IMAGE} images (scripts/build-env-images.sh egress)`,
);

describeDocker("runFix: a failed environment ends the job before any model call", () => {
  let repo: string;
  let root: string;
  let workRoot: string;

  beforeEach(async () => {
    ({ repo, root } = await createBuggyPythonRepo());
    workRoot = await mkdtemp(join(tmpdir(), "tanuki-env-error-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(workRoot, { recursive: true, force: true });
  });

  it("a failing setup command gives environment-error (exit 3), its command and log tail in run.json and pr.md", async () => {
    const model = new ScriptedModel({});
    const { deps, events } = realDeps(model, workRoot);
    deps.environments = new DockerEnvironmentProvider({ sandboxes: deps.sandboxes });
    const config = RunConfig.parse({
      sandbox: { image: TEST_SANDBOX_IMAGE },
      setupCommand: "echo resolving; echo 'ERR! 404 no-such-package' >&2; exit 5",
      environment: { egressImage: TEST_EGRESS_IMAGE, caBundle: "none" },
    });
    const task = { id: `env-error-${Date.now()}`, kind: "fix" as const, repoPath: repo, issue: ISSUE };
    const result = await runFix(task, config, deps);

    expect(result.outcome).toBe("environment-error");
    expect(exitCodeFor(result.outcome)).toBe(EXIT_ENVIRONMENT);
    expect(model.calls).toHaveLength(0);
    expect(result.attempts).toHaveLength(0);
    expect(result.tests).toBeUndefined();
    expect(result.environment).toMatchObject({
      status: "failed",
      command: config.setupCommand,
      exitCode: 5,
      problem: "command",
    });
    expect(result.environment?.logTail).toContain("ERR! 404 no-such-package");
    expect(events.some((event) => event.type === "setup-output")).toBe(true);
    expect(events.some((event) => event.type === "tests")).toBe(false);

    const out = join(workRoot, "out");
    await writeRunOutputs(out, result);
    const pr = await readFile(join(out, "pr.md"), "utf8");
    expect(pr).toContain("environment-error");
    expect(pr).toContain("ERR! 404 no-such-package");
    expect(JSON.parse(await readFile(join(out, "run.json"), "utf8")).environment.command).toBe(config.setupCommand);
    expect(await jobContainers(task.id)).toEqual([]);
  });
});
