import { chmod, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { DockerSandboxProvider } from "../../src/sandbox/docker-sandbox.js";
import { reportingCommand } from "../../src/testing/reporting-command.js";
import { toTestReport } from "../../src/testing/to-test-report.js";
import {
  describeWithSandbox,
  makeWorkspace,
  removeWorkspace,
  TEST_LIMITS,
  TEST_SANDBOX_IMAGE,
} from "./sandbox-test-env.js";

const describeDocker = await describeWithSandbox();

const PY_TESTS = {
  "calc.py": "def add(a, b):\n    return a + b\n",
  "tests/__init__.py": "",
  "tests/test_calc.py": [
    "import pytest",
    "from calc import add",
    "",
    "class TestAdd:",
    "    def test_small(self):",
    "        assert add(1, 2) == 3",
    "",
    "    @pytest.mark.parametrize('n', [1, 2])",
    "    def test_wrong(self, n):",
    "        assert add(n, n) == 2",
    "",
    "def test_later():",
    "    pytest.skip('later')",
    "",
  ].join("\n"),
};

async function workspaceWith(files: Record<string, string>): Promise<string> {
  const dir = await makeWorkspace();
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  await chmod(dir, 0o777);
  for (const folder of new Set(Object.keys(files).map((path) => dirname(join(dir, path))))) await chmod(folder, 0o777);
  return dir;
}

describeDocker("per-test results from real runners in the real sandbox", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await removeWorkspace(dir);
  });

  async function run(files: Record<string, string>, command: string, npmTestScript?: string) {
    const dir = await workspaceWith(files);
    dirs.push(dir);
    const sandbox = await new DockerSandboxProvider().create({
      workspaceDir: dir,
      image: TEST_SANDBOX_IMAGE,
      limits: { ...TEST_LIMITS, commandTimeoutMs: 60_000, memoryBytes: 512 * 1024 * 1024 },
      labels: { "tanuki.test": `test-reports-${process.pid}` },
    });
    try {
      const reporting = reportingCommand(command, { nonce: "n0nce", ...(npmTestScript ? { npmTestScript } : {}) });
      expect(reporting, command).toBeDefined();
      const result = await sandbox.exec({
        command: reporting?.command ?? command,
        env: { PYTHONDONTWRITEBYTECODE: "1" },
      });
      return toTestReport(command, result, reporting);
    } finally {
      await sandbox.dispose();
    }
  }

  it("pytest: node ids, parameters, skips; the exit status and the readable output are kept", async () => {
    const report = await run(PY_TESTS, "python3 -m pytest -q -p no:cacheprovider");
    expect(report.exitCode).toBe(1);
    expect(report.cases?.map((c) => [c.id, c.status])).toEqual([
      ["tests/test_calc.py::TestAdd::test_small", "passed"],
      ["tests/test_calc.py::TestAdd::test_wrong[1]", "passed"],
      ["tests/test_calc.py::TestAdd::test_wrong[2]", "failed"],
      ["tests/test_calc.py::test_later", "skipped"],
    ]);
    expect(report).toMatchObject({ passed: 2, failed: 1, skipped: 1 });
    expect(report.outputTail).toContain("1 failed, 2 passed, 1 skipped");
    expect(report.outputTail).not.toContain("<testsuite");
  });

  it("pytest collection error: one error case named by the file", async () => {
    const report = await run(
      { ...PY_TESTS, "tests/test_broken.py": "import not_installed\n" },
      "python3 -m pytest -q -p no:cacheprovider",
    );
    expect(report.exitCode).toBe(2);
    expect(report.cases).toEqual([
      { id: "tests/test_broken.py", file: "tests/test_broken.py", name: "tests.test_broken", status: "error" },
    ]);
  });

  it("unittest -v: dotted ids", async () => {
    const files = {
      "tests/__init__.py": "",
      "tests/test_u.py":
        "import unittest\n\nclass T(unittest.TestCase):\n    def test_ok(self):\n        self.assertTrue(True)\n\n    def test_bad(self):\n        self.assertEqual(1, 2)\n",
    };
    const report = await run(files, "python3 -m unittest discover -s tests -t .");
    expect(report.exitCode).toBe(1);
    expect(report.cases?.map((c) => [c.id, c.status]).sort()).toEqual([
      ["tests.test_u.T.test_bad", "failed"],
      ["tests.test_u.T.test_ok", "passed"],
    ]);
  });

  it("node --test: suite > test ids from node's junit reporter", async () => {
    const files = {
      "test/a.test.js": [
        'const { test, describe, it } = require("node:test");',
        'const assert = require("node:assert");',
        'test("adds", () => assert.equal(1 + 1, 2));',
        'describe("grp", () => { it("fails", () => assert.equal(1, 2)); });',
        "",
      ].join("\n"),
    };
    const report = await run(files, "node --test");
    expect(report.exitCode).toBe(1);
    expect(report.cases?.map((c) => [c.id, c.status])).toEqual([
      ["adds", "passed"],
      ["grp > fails", "failed"],
    ]);
    expect(report.outputTail).toContain("grp");
  });
});
