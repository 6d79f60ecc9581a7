import { mkdir, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RunConfig } from "../../src/config/run-config.js";
import { runFix } from "../../src/loop/run-fix.js";
import { GitWorkspaceProvider } from "../../src/workspace/git-workspace.js";
import { FakeSandboxProvider } from "../helpers/fake-sandbox.js";
import { ScriptedModel } from "../helpers/scripted-model.js";
import { createBuggyPythonRepo, FIX_EDIT } from "../unit/loop/fixtures/buggy-python-repo.js";
import { baseScript, createHarness, pytestLikeRun, taskFor } from "../unit/loop/run-fix-harness.js";

/**
 * Threat: a huge file that a prompt quotes (named in the issue, in a plan, or asked for with `read`). A 400 MiB file
 * cost 3.6 GB of memory and 1 GiB crashed the run with `Invalid string length`. Every read for a prompt stops at
 * `RunConfig.promptFileBytes` (default 256 KiB), whole lines, and the prompt says how much of how much it shows.
 *
 * The files are sparse (`truncate -s 1G`): 1 GiB on paper, nothing on disk, and still 1 GiB for any read that
 * does not stop at its cap.
 */
const GIB = 1024 * 1024 * 1024;
const LINE = "value = 1  # padding\n";

let root: string;
let repo: string;
let workRoot: string;

/** `path` holds 512 KiB of whole lines, then zeros up to 1 GiB (sparse). */
async function makeHugeFile(path: string): Promise<void> {
  await writeFile(path, LINE.repeat(Math.ceil((512 * 1024) / LINE.length)));
  await truncate(path, GIB);
}

beforeEach(async () => {
  let git: (...args: string[]) => Promise<string>;
  ({ root, repo, git } = await createBuggyPythonRepo());
  await writeFile(join(repo, ".gitignore"), "logs/\n");
  await git("add", ".gitignore");
  await git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "ignore logs");
  workRoot = await mkdtemp(join(tmpdir(), "tanuki-sec-filecap-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(workRoot, { recursive: true, force: true });
});

describe("files quoted into prompts are read up to a cap, and the prompt says when a file was cut", () => {
  it("a real git work copy: readFileHead of a 1 GiB file reads only its head and tells its size", async () => {
    const ws = await new GitWorkspaceProvider().open(repo, { workRoot });
    try {
      await mkdir(join(ws.dir, "logs"));
      await makeHugeFile(join(ws.dir, "logs", "huge.py"));
      const head = await ws.readFileHead("logs/huge.py", 64 * 1024);
      expect(head).toMatchObject({ size: GIB, truncated: true });
      expect(Buffer.byteLength(head?.content ?? "")).toBe(64 * 1024);
      expect(await ws.readFileHead("calc.py", 64 * 1024)).toMatchObject({ truncated: false });
      expect(await ws.readFileHead("missing.py", 64 * 1024)).toBeUndefined();
    } finally {
      await ws.dispose();
    }
  });

  it("a 1 GiB file named in the issue and the plan: the run goes on and the coder's prompt says what it shows", async () => {
    const script = baseScript();
    script["tanuki-planner:PlannerOutput"] = {
      summary: "Guard divide() against a zero divisor",
      steps: [{ files: ["calc.py", "logs/huge.py"], intent: "Return None when b is 0", agent: "tanuki-coder" }],
    };
    script["tanuki-coder"] = { explanation: "edit", edits: [FIX_EDIT] };
    const h = createHarness(script, { workRoot });
    // The repository's tests write the huge file into the work copy (ignored, so no diff holds it).
    const sandboxes = new FakeSandboxProvider(async (request, dir) => {
      if (!request.command.includes("pytest")) return { exitCode: 0 };
      await mkdir(join(dir, "logs"), { recursive: true });
      await makeHugeFile(join(dir, "logs", "huge.py"));
      return pytestLikeRun(dir);
    });
    const cap = 64 * 1024;
    const config = RunConfig.parse({ budgets: { maxAttempts: 1 }, planCandidates: 2, promptFileBytes: cap });
    const issue = { title: "divide() crashes on zero", body: "See logs/huge.py and calc.py: divide(1, 0) raises." };

    const result = await runFix(taskFor(repo, { issue }), config, { ...h.deps, sandboxes });

    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe("fixed");
    const prompt = ScriptedModel.userText(h.model.callsFor("tanuki-coder")[0] as never);
    const shown = Math.floor(cap / LINE.length) * LINE.length;
    expect(prompt).toMatch(
      new RegExp(
        `### logs/huge\\.py \\([^)\\n]*only its first ${shown.toLocaleString("en-US")} of 1,073,741,824 bytes are shown; the rest cannot be read`,
      ),
    );
    expect(prompt).toContain("### calc.py (");
    expect(prompt).not.toContain("\u0000");
  });

  it("the default cap is 256 KiB", () => {
    expect(RunConfig.parse({}).promptFileBytes).toBe(256 * 1024);
    expect(() => RunConfig.parse({ promptFileBytes: 10 })).toThrow();
  });
});
