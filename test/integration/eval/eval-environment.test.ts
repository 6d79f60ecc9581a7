import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runEvalCommand } from "../../../src/cli/eval-command.js";
import { SCOPE_LABEL, scopeDigest } from "../../../src/environment/environment-cache.js";
import { readResults } from "../../../src/eval/results-files.js";
import { bridgeGateway, type LocalServer, startPythonIndex } from "../../helpers/local-registries.js";
import { describeIfAvailable } from "../../helpers/requirements.js";
import { imagesAvailable, TEST_EGRESS_IMAGE } from "../../sandbox/environment-test-env.js";
import { TEST_SANDBOX_IMAGE } from "../../sandbox/sandbox-test-env.js";
import { commitRepo, type FixtureTask, makeTask } from "./eval-fixtures.js";

const describeEnv = describeIfAvailable(
  await imagesAvailable(TEST_SANDBOX_IMAGE, TEST_EGRESS_IMAGE),
  `a Docker engine and the ${TEST_SANDBOX_IMAGE} and ${TEST_EGRESS_IMAGE} images (scripts/build-env-images.sh egress)`,
);

const SCALE = `from tanuki_eval_dep import ANSWER


def scaled(factor):
    """ANSWER times factor."""
    return ANSWER * factor - 1
`;

describeEnv("tanuki eval builds each task's environment with the environment phase (real Docker, local index)", () => {
  let root: string;
  let reposDir: string;
  let gateway: string;
  let index: LocalServer;
  let task: FixtureTask;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "tanuki-eval-env-"));
    reposDir = join(root, "repos");
    gateway = await bridgeGateway();
    index = await startPythonIndex("tanuki_eval_dep", 7);
    // A repository whose tests cannot even import without its requirements installed.
    const repo = join(reposDir, `acme-env-${Date.now().toString(36)}__scale`);
    const base = await commitRepo(repo, {
      "requirements.txt": "tanuki_eval_dep==1.0.0\n",
      "scale.py": SCALE,
      "tests/test_scale.py": "from scale import scaled\n\n\ndef test_zero():\n    assert scaled(0) == 0 or True\n",
      "conftest.py": "",
    });
    task = await makeTask(repo, {
      id: "acme__scale-1",
      repo: `${repo.split("/").pop()?.replace("__", "/")}`,
      base,
      marker: "SCALEOFF",
      statement: "scaled() is off by one (SCALEOFF)",
      fixed: { "scale.py": SCALE.replace(" * factor - 1", " * factor") },
      tests: {
        "tests/test_scale.py":
          "from scale import scaled\n\n\ndef test_zero():\n    assert scaled(0) == 0 or True\n\n\ndef test_scaled():\n    assert scaled(2) == 14\n",
      },
      failToPass: ["tests/test_scale.py::test_scaled"],
      passToPass: ["tests/test_scale.py::test_zero"],
      ownTest: { path: "tests/test_own.py", name: "test_own", content: "" },
    });
  });
  afterAll(async () => {
    await index?.close();
    // The environments this test cached (its repository's scope only).
    const docker = new Dockerode();
    const images = await docker.listImages({
      filters: { label: [`${SCOPE_LABEL}=${scopeDigest(task?.instance.repo ?? "")}`] },
    });
    for (const image of images)
      await docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined);
    if (root) await rm(root, { recursive: true, force: true });
  });

  const evaluate = async (outDir: string, flags: Record<string, unknown>) => {
    const taskFile = join(root, "tasks.jsonl");
    await writeFile(taskFile, JSON.stringify(task.instance));
    const err: string[] = [];
    const code = await runEvalCommand(
      taskFile,
      { out: outDir, reposDir, gold: true, workers: 1, ...flags },
      {
        cwd: root,
        env: {
          ...process.env,
          TANUKI_SANDBOX_IMAGE: TEST_SANDBOX_IMAGE,
          TANUKI_WORK_DIR: join(root, "work"),
          TANUKI_PIP_INDEX_URL: `${index.url(gateway)}simple/`,
        },
        stdout: { write: () => undefined },
        stderr: { write: (t) => void err.push(t) },
        checkSandbox: async () => undefined,
      },
    );
    expect(code, err.join("")).toBe(0);
    const [result] = await readResults(join(outDir, "results.jsonl"));
    if (!result) throw new Error("no result");
    return result;
  };

  it("installs the requirements from the index once, scores gold and base in that environment: a valid task", async () => {
    const result = await evaluate(join(root, "phase"), {});
    expect(result, result.error).toMatchObject({ status: "resolved", resolved: true, baseFails: true });
    // Built once (prepare), then copied from the cache into both scoring work copies.
    expect(index.requests.filter((path) => path.endsWith(".whl"))).toHaveLength(1);
  });

  it("control: in a fixed image without the environment phase, the tests cannot run (error, not unresolved)", async () => {
    const result = await evaluate(join(root, "fixed-image"), { imageTemplate: TEST_SANDBOX_IMAGE });
    expect(result).toMatchObject({ status: "error", resolved: false });
    expect(result.error).toMatch(/none of the listed tests ran/);
  });

  it("an environment that cannot be built makes the task an error naming the command and its log", async () => {
    const result = await evaluate(join(root, "broken"), { setupCommand: "echo no-such-tool-$((40 + 2)) >&2; exit 9" });
    expect(result.status).toBe("error");
    expect(result.error).toContain("exit code 9");
    expect(result.error).toContain("no-such-tool-42");
  });
});
