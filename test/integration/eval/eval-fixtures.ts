import { execFile } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { EvalInstance } from "../../../src/eval/instance.js";

const run = promisify(execFile);

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run("git", ["-c", "user.name=Fixture", "-c", "user.email=fixture@example.com", ...args], {
    cwd,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** The diff that `files` make to the committed tree (new files included); the tree is reset afterwards. */
async function diffOf(repo: string, files: Record<string, string>): Promise<string> {
  await writeFiles(repo, files);
  await git(repo, "add", "-A");
  const diff = await git(repo, "diff", "--cached", "--no-color", "--no-renames");
  await git(repo, "reset", "--quiet", "--hard");
  return diff;
}

/** A fixture task: the instance plus what the scripted "perfect model" needs to answer it. */
export interface FixtureTask {
  instance: EvalInstance;
  /** Files after the gold patch (what a perfect coder writes). */
  fixedFiles: Record<string, string>;
  /** The test Tanuki's tester writes: its own, not the hidden test patch. */
  ownTest: { path: string; content: string; name: string };
  /** A unique word of the problem statement, to tell tasks apart in a prompt. */
  marker: string;
  /**
   * What a perfect Tanuki run produces: the fix (without the gold patch's marker comment) plus its own test.
   * The scripted model answers from this, never from the instance's gold or test patch.
   */
  modelPatch: string;
  /** A comment only the gold patch carries: it must never reach a prompt or a trace. */
  goldOnly: string;
}

/** What a fixture task is made of; its patches are computed as real diffs in `repo`. */
export interface TaskSpec {
  id: string;
  repo: string;
  base: string;
  marker: string;
  statement: string;
  /** Files after the gold fix. */
  fixed: Record<string, string>;
  /** Files after the hidden test change. */
  tests: Record<string, string>;
  failToPass: string[];
  passToPass: string[];
  ownTest: FixtureTask["ownTest"];
  extra?: Record<string, unknown>;
}

export async function makeTask(repoDir: string, spec: TaskSpec): Promise<FixtureTask> {
  const goldOnly = `gold-only-${spec.marker.toLowerCase()}`;
  const [first, content] = Object.entries(spec.fixed)[0] as [string, string];
  const gold = { ...spec.fixed, [first]: `${content}${first.endsWith(".py") ? "#" : "//"} ${goldOnly}\n` };
  return {
    marker: spec.marker,
    goldOnly,
    modelPatch: await diffOf(repoDir, { ...spec.fixed, [spec.ownTest.path]: spec.ownTest.content }),
    instance: {
      instance_id: spec.id,
      repo: spec.repo,
      base_commit: spec.base,
      problem_statement: spec.statement,
      patch: await diffOf(repoDir, gold),
      test_patch: await diffOf(repoDir, spec.tests),
      FAIL_TO_PASS: spec.failToPass,
      PASS_TO_PASS: spec.passToPass,
      ...spec.extra,
    },
    fixedFiles: spec.fixed,
    ownTest: spec.ownTest,
  };
}

const PY_OPS = `def add(a, b):
    return a + b


def divide(a, b):
    """Divide a by b. Dividing by zero returns None."""
    return a / b


def clamp(x, low, high):
    """Limit x to the range [low, high]."""
    return max(low, min(x, low))
`;

const PY_TESTS = `from calc.ops import add


def test_add():
    assert add(2, 3) == 5
`;

const JS_STRINGS = `"use strict";

/** Upper-cases the first letter of s. */
function capitalize(s) {
  return s[0].toUpperCase() + s.slice(1);
}

/** Repeats s n times with sep between the copies. */
function repeat(s, n, sep) {
  return new Array(n).fill(s).join(sep || "");
}

module.exports = { capitalize, repeat };
`;

const JS_TESTS = `"use strict";
const { describe, it } = require("node:test");
const assert = require("node:assert");
const { capitalize } = require("../lib/strings.js");

describe("capitalize", () => {
  it("upper-cases the first letter", () => {
    assert.equal(capitalize("tanuki"), "Tanuki");
  });
});
`;

/**
 * Builds two fixture repositories under `reposDir` (`acme__pycalc`, Python with pytest; `acme__jsstrings`,
 * JavaScript with node's test runner) and three SWE-bench-style tasks on them, with gold patches, test patches and
 * test lists computed from real diffs.
 */
export async function createFixtureTasks(): Promise<{ root: string; reposDir: string; tasks: FixtureTask[] }> {
  const root = await mkdtemp(join(tmpdir(), "tanuki-eval-fixture-"));
  const reposDir = join(root, "repos");

  const py = join(reposDir, "acme__pycalc");
  const pyBase = await commitRepo(py, {
    "calc/__init__.py": "",
    "calc/ops.py": PY_OPS,
    "tests/test_ops.py": PY_TESTS,
    "conftest.py": "",
  });
  const js = join(reposDir, "acme__jsstrings");
  const jsBase = await commitRepo(js, {
    "package.json": `${JSON.stringify({ name: "jsstrings", version: "1.0.0", scripts: { test: "node --test" } }, null, 2)}\n`,
    "lib/strings.js": JS_STRINGS,
    "test/strings.test.js": JS_TESTS,
  });

  const tasks = [
    await makeTask(py, {
      id: "acme__pycalc-1",
      repo: "acme/pycalc",
      base: pyBase,
      marker: "ZERODIVIDE",
      statement:
        "divide() crashes on zero (ZERODIVIDE)\n\nCalling divide(1, 0) raises ZeroDivisionError; the docstring says it returns None.",
      fixed: {
        "calc/ops.py": PY_OPS.replace("    return a / b\n", "    if b == 0:\n        return None\n    return a / b\n"),
      },
      tests: {
        "tests/test_ops.py": `${PY_TESTS}\n\ndef test_divide_by_zero_gives_none():\n    from calc.ops import divide\n    assert divide(1, 0) is None\n`,
      },
      failToPass: ["tests/test_ops.py::test_divide_by_zero_gives_none"],
      passToPass: ["tests/test_ops.py::test_add"],
      ownTest: {
        path: "tests/test_zero.py",
        name: "test_zero",
        content: "from calc.ops import divide\n\n\ndef test_zero():\n    assert divide(4, 0) is None\n",
      },
    }),
    await makeTask(py, {
      id: "acme__pycalc-2",
      repo: "acme/pycalc",
      base: pyBase,
      marker: "CLAMPHIGH",
      statement: "clamp() ignores the upper bound (CLAMPHIGH)\n\nclamp(5, 0, 10) returns 0 instead of 5.",
      fixed: { "calc/ops.py": PY_OPS.replace("min(x, low))", "min(x, high))") },
      tests: {
        "tests/test_clamp.py":
          "from calc.ops import clamp\n\n\ndef test_clamp_keeps_values_in_range():\n    assert clamp(5, 0, 10) == 5\n    assert clamp(50, 0, 10) == 10\n",
      },
      failToPass: ["tests/test_clamp.py::test_clamp_keeps_values_in_range"],
      passToPass: ["tests/test_ops.py::test_add"],
      ownTest: {
        path: "tests/test_bounds.py",
        name: "test_bounds",
        content: "from calc.ops import clamp\n\n\ndef test_bounds():\n    assert clamp(7, 0, 9) == 7\n",
      },
      extra: { difficulty: "<15 min fix" },
    }),
    await makeTask(js, {
      id: "acme__jsstrings-1",
      repo: "acme/jsstrings",
      base: jsBase,
      marker: "EMPTYCAP",
      statement:
        "capitalize('') throws (EMPTYCAP)\n\ncapitalize of an empty string throws a TypeError instead of returning ''.",
      fixed: {
        "lib/strings.js": JS_STRINGS.replace(
          "  return s[0].toUpperCase()",
          '  if (s === "") return "";\n  return s[0].toUpperCase()',
        ),
      },
      tests: {
        "test/strings.test.js": JS_TESTS.replace(
          "});\n});\n",
          '});\n  it("leaves the empty string alone", () => {\n    assert.equal(capitalize(""), "");\n  });\n});\n',
        ),
      },
      failToPass: ["capitalize > leaves the empty string alone"],
      passToPass: ["capitalize > upper-cases the first letter"],
      ownTest: {
        path: "test/empty.test.js",
        name: "empty",
        content:
          'const test = require("node:test");\nconst assert = require("node:assert");\nconst { capitalize } = require("../lib/strings.js");\n\ntest("empty", () => assert.equal(capitalize(""), ""));\n',
      },
    }),
  ];
  return { root, reposDir, tasks };
}

/** A new repository at `dir` with `files` in one commit on main; returns the commit. */
export async function commitRepo(dir: string, files: Record<string, string>): Promise<string> {
  await mkdir(dir, { recursive: true });
  await git(dir, "init", "--quiet", "-b", "main");
  await writeFiles(dir, files);
  await git(dir, "add", "-A");
  await git(dir, "commit", "--quiet", "-m", "fixture");
  return (await git(dir, "rev-parse", "HEAD")).trim();
}

/** The task with a gold patch that adds a comment only: it cannot resolve the task (an invalid task). */
export async function withWrongGold(task: FixtureTask, reposDir: string): Promise<EvalInstance> {
  const repo = join(reposDir, task.instance.repo.replace("/", "__"));
  const path = Object.keys(task.fixedFiles)[0] as string;
  const base = await git(repo, "show", `${task.instance.base_commit}:${path}`);
  const patch = await diffOf(repo, { [path]: `${base}${path.endsWith(".py") ? "#" : "//"} touched\n` });
  return { ...task.instance, instance_id: `${task.instance.instance_id}-wrong-gold`, patch };
}
