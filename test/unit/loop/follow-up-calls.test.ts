import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunConfig } from "../../../src/config/run-config.js";
import { runFix } from "../../../src/loop/run-fix.js";
import { createPatchModel } from "../../helpers/patch-model.js";
import { createHarness } from "./run-fix-harness.js";

const run = promisify(execFile);
/** Functions in the module; the patch changes each of them (one hunk each, more than one answer holds). */
const FUNCTIONS = 12;

const fn = (i: number, body: string) => `def f${i}(x):\n    return ${body}\n\n\n`;
const base = Array.from({ length: FUNCTIONS }, (_, i) => fn(i, `x + ${i}`)).join("");

function patch(): string {
  const hunks = Array.from({ length: FUNCTIONS }, (_, i) => {
    const start = i * 5 + 1;
    return [`@@ -${start},2 +${start},2 @@`, ` def f${i}(x):`, `-    return x + ${i}`, `+    return x - ${i}`].join(
      "\n",
    );
  });
  return [
    "diff --git a/mod.py b/mod.py",
    "--- a/mod.py",
    "+++ b/mod.py",
    ...hunks,
    "diff --git a/tests/test_mod.py b/tests/test_mod.py",
    "new file mode 100644",
    "--- /dev/null",
    "+++ b/tests/test_mod.py",
    "@@ -0,0 +1,2 @@",
    "+def test_sub():",
    "+    assert True",
    "",
  ].join("\n");
}

let root: string;
let repo: string;
let workRoot: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "tanuki-follow-up-"));
  repo = join(root, "repo");
  await mkdir(repo);
  await writeFile(join(repo, "mod.py"), base);
  const git = (...args: string[]) =>
    run("git", ["-c", "user.name=Dev", "-c", "user.email=dev@example.com", ...args], { cwd: repo });
  await git("init", "-q", "-b", "main");
  await git("add", "-A");
  await git("commit", "-q", "-m", "mod");
  workRoot = await mkdtemp(join(tmpdir(), "tanuki-follow-up-work-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(workRoot, { recursive: true, force: true });
});

describe("larger work split across calls", () => {
  it("a coder with more edits than one answer holds sends them over several calls (`more`), all applied", async () => {
    const { model } = createPatchModel(patch(), {
      readBase: (path) => (path === "mod.py" ? base : undefined),
      contextSize: 8_192,
    });
    const h = createHarness({}, { workRoot });
    const task = {
      id: "follow-up",
      kind: "fix" as const,
      repoPath: repo,
      issue: { title: "`f3` adds", body: "f0..f11 must subtract" },
    };
    const config = RunConfig.parse({ budgets: { maxAttempts: 1 }, planCandidates: 1, testCommand: "true" });
    const result = await runFix(task, config, { ...h.deps, model, roster: undefined, briefingTokens: undefined });

    const coder = model.callsFor("tanuki-coder");
    expect(coder).toHaveLength(2);
    expect(coder[0]?.value).toMatchObject({ more: true });
    expect(coder[0]?.value).toMatchObject({ edits: expect.any(Array) });
    expect((coder[0]?.value as { edits: unknown[] } | undefined)?.edits).toHaveLength(8);
    expect(coder[1]?.value).toMatchObject({ more: false });
    expect(
      model.calls.find((call) => call.agent === "tanuki-coder" && call !== coder[0])?.messages.at(-1)?.content,
    ).toContain("Edits of this step already applied");
    expect(result.attempts[0]?.editProblems).toEqual([]);
    expect(result.attempts[0]?.diff.match(/^\+ {4}return x - \d+$/gm)).toHaveLength(FUNCTIONS);
  });

  it("a read request for a path outside the repository or in .git is refused and said so, never a crash", async () => {
    const { model, script } = createPatchModel(patch(), {
      readBase: (path) => (path === "mod.py" ? base : undefined),
      contextSize: 8_192,
    });
    const perfect = script.CoderOutput as (call: never, index: number) => unknown;
    script.CoderOutput = (call: never, index: number) =>
      index === 0
        ? {
            explanation: "Look around first.",
            edits: [],
            read: [
              { path: "../outside.txt", startLine: 1, endLine: 5 },
              { path: ".git/config", startLine: 1, endLine: 5 },
            ],
            more: false,
          }
        : perfect(call, index - 1);
    const h = createHarness({}, { workRoot });
    const task = { id: "bad-read", kind: "fix" as const, repoPath: repo, issue: { title: "f0", body: "subtract" } };
    const config = RunConfig.parse({ budgets: { maxAttempts: 1 }, planCandidates: 1, testCommand: "true" });
    const result = await runFix(task, config, { ...h.deps, model, roster: undefined, briefingTokens: undefined });

    expect(result.error).toBeUndefined();
    const second = model.callsFor("tanuki-coder")[1];
    const text = second?.messages.at(-1)?.content ?? "";
    expect(text).toContain("../outside.txt: not shown");
    expect(text).toContain(".git/config: not shown");
  });
});
