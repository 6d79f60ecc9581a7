import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { RunConfig } from "../../../src/config/run-config.js";
import { runFix } from "../../../src/loop/run-fix.js";
import { writeRunOutputs } from "../../../src/report/run-outputs.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";
import { describeWithSandbox, TEST_SANDBOX_IMAGE } from "../../sandbox/sandbox-test-env.js";
import { createBuggyPythonRepo, FIX_EDIT, ISSUE } from "../../unit/loop/fixtures/buggy-python-repo.js";
import { baseScript } from "../../unit/loop/run-fix-harness.js";
import { jobContainers, realDeps } from "./docker-loop-env.js";

const describeDocker = await describeWithSandbox();

const config = (maxAttempts: number) =>
  RunConfig.parse({ budgets: { maxAttempts }, planCandidates: 2, sandbox: { image: TEST_SANDBOX_IMAGE } });

describeDocker("runFix on a real repository with the real Docker sandbox (scripted model)", () => {
  let repo: string;
  let root: string;
  let git: (...args: string[]) => Promise<string>;
  let workRoot: string;

  beforeEach(async () => {
    ({ repo, root, git } = await createBuggyPythonRepo());
    workRoot = await mkdtemp(join(tmpdir(), "tanuki-loop-work-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(workRoot, { recursive: true, force: true });
  });

  it("fixes the bug: failing before, a blocking finding forces a second attempt with the RCA, passing after, branch published", async () => {
    const script = baseScript();
    script["tanuki-coder"] = [
      { explanation: "guard", edits: [FIX_EDIT] },
      {
        explanation: "document",
        edits: [
          {
            kind: "search-replace",
            path: "calc.py",
            search: "    if b == 0:",
            replace: "    if b == 0:  # the docstring promises None",
          },
        ],
      },
    ];
    script["tanuki-reviewer"] = [
      {
        verdict: "request-changes",
        summary: "Undocumented guard.",
        findings: [
          { file: "calc.py", line: 3, severity: "blocking", explanation: "Explain the guard.", suggestion: "" },
        ],
      },
      { verdict: "approve", summary: "Good.", findings: [] },
    ];
    const model = new ScriptedModel(script);
    const { deps, trace } = realDeps(model, workRoot);
    const task = {
      id: `loop-ok-${process.pid}-${Date.now()}`,
      kind: "fix" as const,
      repoPath: repo,
      issue: { ...ISSUE },
    };

    const result = await runFix(task, config(3), deps);

    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe("fixed");
    expect(result.tests?.before.exitCode).not.toBe(0);
    expect(result.tests?.before).toMatchObject({ passed: 2, failed: 1 });
    expect(result.tests?.before.outputTail).toContain("ZeroDivisionError");
    expect(result.tests?.after).toMatchObject({ exitCode: 0, passed: 4, failed: 0 });
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts[0]?.tests?.exitCode).toBe(0);
    const secondCoder = model.callsFor("tanuki-coder")[1];
    expect(secondCoder && ScriptedModel.userText(secondCoder)).toContain("RCA-ROOT-CAUSE-MARKER");

    expect(result.branch).toBe("tanuki/issue-12-divide-crashes-on-zero");
    expect(await git("rev-parse", result.branch as string)).toBe(result.headSha);
    expect(await git("rev-parse", `${result.branch}^`)).toBe(result.baseSha);
    expect(await git("show", `${result.branch}:calc.py`)).toContain("if b == 0:  # the docstring promises None");
    expect(await git("log", "-1", "--format=%B", result.branch as string)).toContain("Fixes #12");
    expect(await git("status", "--porcelain")).toBe("");

    const body = result.pullRequest?.body ?? "";
    expect(body).toContain("Fixes #12");
    expect(body).toMatch(/\| before \(base\) \| 1 \| 2 \| 1 \|/);
    expect(body).toMatch(/\| after \(this change\) \| 0 \| 4 \| 0 \|/);
    expect(body).toMatch(/### Resolved \(1\)[\s\S]*Explain the guard/);
    expect(result.pullRequest?.draft).toBe(false);
    const out = await writeRunOutputs(join(root, "out"), result);
    expect(await readFile(out.prMarkdown, "utf8")).toContain("# Return None when dividing by zero");

    expect(trace.toolCalls("sandbox.exec").some((call) => JSON.stringify(call.input).includes("pytest"))).toBe(true);
    expect(await jobContainers(task.id)).toEqual([]);
  });

  it("never fixes it: stops at its budget, reports the best attempt, leaves no container", async () => {
    const script = baseScript();
    let n = 0;
    script["tanuki-coder"] = () => {
      n += 1;
      return {
        explanation: "try",
        edits: [
          { kind: "search-replace", path: "calc.py", search: "def add(a, b):", replace: `def add(a, b):  # try ${n}` },
        ],
      };
    };
    const model = new ScriptedModel(script);
    const { deps } = realDeps(model, workRoot);
    const task = {
      id: `loop-fail-${process.pid}-${Date.now()}`,
      kind: "fix" as const,
      repoPath: repo,
      issue: { ...ISSUE },
    };

    const result = await runFix(task, config(2), deps);

    expect(["not-fixed", "budget-exhausted"]).toContain(result.outcome);
    expect(result.reason).toMatch(/failed the same way as attempt 1|all 2 attempts were used/);
    expect(result.attempts.length).toBeGreaterThanOrEqual(1);
    expect(result.bestAttempt).toBeDefined();
    const best = result.attempts.find((a) => a.attempt === result.bestAttempt);
    expect(best?.tests?.exitCode).not.toBe(0);
    expect(result.tests?.after.failed).toBeGreaterThan(0);
    expect(result.pullRequest?.draft).toBe(true);
    expect(result.rcas.length).toBeGreaterThanOrEqual(1);
    expect(await jobContainers(task.id)).toEqual([]);
  });
});
