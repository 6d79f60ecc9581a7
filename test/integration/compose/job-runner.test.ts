import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Dockerode from "dockerode";
import { afterEach, beforeEach, expect, it } from "vitest";
import { assembleEngine } from "../../../src/compose/create-engine.js";
import { createJobRunner } from "../../../src/compose/create-job-runner.js";
import { RunConfig } from "../../../src/config/run-config.js";
import { JOB_LABEL } from "../../../src/loop/phases/test.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";
import { describeWithSandbox, TEST_SANDBOX_IMAGE } from "../../sandbox/sandbox-test-env.js";
import { createBuggyPythonRepo, FIX_EDIT, ISSUE } from "../../unit/loop/fixtures/buggy-python-repo.js";
import { baseScript } from "../../unit/loop/run-fix-harness.js";

const describeDocker = await describeWithSandbox();

const config = RunConfig.parse({
  budgets: { maxAttempts: 2 },
  planCandidates: 1,
  sandbox: { image: TEST_SANDBOX_IMAGE },
});

describeDocker("the real JobRunner (scripted model, real git and Docker sandbox)", () => {
  let repo: string;
  let root: string;
  let git: (...args: string[]) => Promise<string>;
  let work: string;

  beforeEach(async () => {
    ({ repo, root, git } = await createBuggyPythonRepo());
    work = await mkdtemp(join(tmpdir(), "tanuki-runner-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  });

  function runnerWith(script: ReturnType<typeof baseScript>) {
    const model = new ScriptedModel(script);
    const engine = assembleEngine(model, { workRoot: join(work, "copies") });
    return { model, runnerPromise: createJobRunner({ engine, traceDir: join(work, "traces") }) };
  }

  const settings = () => ({ config, models: {}, onEvent: () => {}, signal: new AbortController().signal });

  it("review: runs the project's tests on the head commit in the sandbox, then the reviewer sees the real results", async () => {
    const script = baseScript();
    script["tanuki-reviewer"] = {
      verdict: "request-changes",
      summary: "The zero case is still broken.",
      findings: [{ file: "calc.py", line: 2, severity: "blocking", explanation: "Divides by zero.", suggestion: "" }],
    };
    const { model, runnerPromise } = runnerWith(script);
    const runner = await runnerPromise;
    const head = await git("rev-parse", "HEAD");

    const review = await runner.review({
      ...settings(),
      id: "acme-calc-7-review",
      repoDir: repo,
      baseSha: head,
      headSha: head,
      diff: "diff --git a/calc.py b/calc.py\n",
    });

    expect(review.tests).toMatchObject({ passed: 2, failed: 1 });
    expect(review.tests?.outputTail).toContain("ZeroDivisionError");
    expect(review.findings).toEqual([expect.objectContaining({ file: "calc.py", line: 2, severity: "blocking" })]);
    const prompt = ScriptedModel.userText(model.callsFor("tanuki-reviewer")[0] ?? expect.fail("no reviewer call"));
    expect(prompt).toContain("2 passed, 1 failed");
    const left = await new Dockerode().listContainers({
      all: true,
      filters: { label: [`${JOB_LABEL}=acme-calc-7-review`] },
    });
    expect(left).toEqual([]);
    // The review is a loop use-case: its model and tool calls are traced like a fix's.
    const kinds = await traceKinds(join(work, "traces", "acme-calc-7-review.jsonl"));
    expect(kinds).toContain("model-call");
    expect(kinds).toContain("tool-call");
  });

  it("analyzeFailure: the debugger gets the failing log (tail kept) and its five whys come back, traced, without a clone", async () => {
    const { model, runnerPromise } = runnerWith(baseScript());
    const runner = await runnerPromise;
    const log = `${"noise\n".repeat(5_000)}E   AssertionError: expected 3 got 4\n`;

    const rca = await runner.analyzeFailure({ ...settings(), id: "acme-calc-7-check", log, checkName: "ci / test" });

    expect(rca.rootCause).toBe("RCA-ROOT-CAUSE-MARKER");
    const prompt = ScriptedModel.userText(model.callsFor("tanuki-debugger")[0] ?? expect.fail("no debugger call"));
    expect(prompt).toContain("AssertionError: expected 3 got 4");
    expect(prompt).toContain("ci / test");
    expect(prompt).not.toContain("noise\n".repeat(2_500));
    const kinds = await traceKinds(join(work, "traces", "acme-calc-7-check.jsonl"));
    expect(kinds).toContain("model-call");
    expect(kinds).not.toContain("tool-call");
  });

  it("fix: runs the loop in the job's clone, leaves the branch there and writes the job's trace", async () => {
    const script = baseScript();
    script["tanuki-coder"] = [{ explanation: "guard", edits: [FIX_EDIT] }];
    const { runnerPromise } = runnerWith(script);
    const runner = await runnerPromise;
    const base = await git("rev-parse", "HEAD");
    const task = {
      id: "acme/calc#12",
      kind: "fix" as const,
      repoPath: "ignored",
      baseSha: base,
      issue: { ...ISSUE },
      branchName: "tanuki/issue-12-zero",
    };

    const result = await runner.fix({ ...settings(), repoDir: repo, task });

    expect(result.outcome).toBe("fixed");
    expect(result.branch).toBe("tanuki/issue-12-zero");
    expect(await git("rev-parse", `${result.branch}^`)).toBe(base);
    expect(await traceKinds(join(work, "traces", "acme_calc_12.jsonl"))).toContain("model-call");
  });
});

/** The `kind` of every record of a JSONL trace. */
async function traceKinds(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { kind: string }).kind);
}
