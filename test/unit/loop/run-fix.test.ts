import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StructuredCall } from "../../../src/llm/chat-model.js";
import { runFix } from "../../../src/loop/run-fix.js";
import { FakeSandboxProvider } from "../../helpers/fake-sandbox.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";
import { CALC_PY, createBuggyPythonRepo, FIX_EDIT } from "./fixtures/buggy-python-repo.js";
import { baseScript, configWith, createHarness, taskFor } from "./run-fix-harness.js";

let repo: string;
let root: string;
let git: (...args: string[]) => Promise<string>;
let workRoot: string;

beforeEach(async () => {
  ({ repo, root, git } = await createBuggyPythonRepo());
  workRoot = await mkdtemp(join(tmpdir(), "tanuki-work-root-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(workRoot, { recursive: true, force: true });
});

const coderAnswer = (edits: unknown[]) => ({ explanation: "edit", edits });
const blocking = (explanation: string) => ({
  verdict: "request-changes",
  summary: "No.",
  findings: [{ file: "calc.py", line: 3, severity: "blocking", explanation, suggestion: "" }],
});

describe("runFix (scripted model, fake sandbox, real git work copy)", () => {
  it("retries after a blocking finding, gives the RCA to the next coder, reports fixed and publishes", async () => {
    const script = baseScript();
    script["tanuki-coder"] = [
      coderAnswer([FIX_EDIT]),
      coderAnswer([
        {
          kind: "search-replace",
          path: "calc.py",
          search: "    if b == 0:",
          replace: "    if b == 0:  # zero divisor",
        },
      ]),
    ];
    script["tanuki-reviewer"] = [
      blocking("The guard is not documented."),
      { verdict: "approve", summary: "ok", findings: [] },
    ];
    const h = createHarness(script, { workRoot });
    const result = await runFix(taskFor(repo), configWith({ maxAttempts: 3 }), h.deps);

    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe("fixed");
    expect(result.attempts).toHaveLength(2);
    expect(result.bestAttempt).toBe(2);
    expect(result.tests?.before.failed).toBe(1);
    expect(result.tests?.after.exitCode).toBe(0);
    expect(result.findings).toEqual([expect.objectContaining({ severity: "blocking", resolved: true, attempt: 1 })]);
    expect(result.rcas.map((r) => r.rootCause)).toEqual(["RCA-ROOT-CAUSE-MARKER"]);

    const coderCalls = h.model.callsFor("tanuki-coder");
    expect(ScriptedModel.userText(coderCalls[0] as never)).not.toContain("RCA-ROOT-CAUSE-MARKER");
    expect(ScriptedModel.userText(coderCalls[1] as never)).toContain("RCA-ROOT-CAUSE-MARKER");
    // the second attempt starts from the first attempt's state (its coder sees the guard already there)
    expect(ScriptedModel.userText(coderCalls[1] as never)).toContain("if b == 0:");
    // the tester ran once (its test is in the best state) and saw the original code only
    const testerCalls = h.model.callsFor("tanuki-tester");
    expect(testerCalls).toHaveLength(1);
    expect(ScriptedModel.userText(testerCalls[0] as never)).not.toContain("if b == 0");
    expect(h.model.callsFor("tanuki-planner", "PlannerOutput")).toHaveLength(2);

    expect(result.branch).toBe("tanuki/issue-12-divide-crashes-on-zero");
    expect(await git("rev-parse", result.branch as string)).toBe(result.headSha);
    expect(await git("show", `${result.branch}:calc.py`)).toContain("if b == 0:  # zero divisor");
    expect(await git("show", `${result.branch}:tests/test_zero.py`)).toContain("test_zero_divisor");
    expect(await git("rev-parse", "HEAD")).toBe(result.baseSha);
    expect(result.filesChanged).toEqual(["calc.py", "tests/test_zero.py"]);
    expect(result.pullRequest?.title).toBe("Return None when dividing by zero");
    expect(result.pullRequest?.draft).toBe(false);
    expect(result.pullRequest?.body).toContain("Fixes #12");
    expect(result.usage.byAgent["tanuki-coder"]?.calls).toBe(2);
    expect(result.usage.calls).toBe(h.model.calls.length);
    expect(result.timings.code).toBeGreaterThanOrEqual(0);

    expect(h.sandboxes.created).toHaveLength(1);
    expect(h.sandboxes.created[0]?.disposed).toBe(true);
    expect(h.sandboxes.created[0]?.options.labels).toEqual({ "tanuki.job": "unit-task" });
    expect(await readdir(workRoot)).toEqual([]);
    expect(h.trace.modelCalls()).toHaveLength(h.model.calls.length);
    expect(
      h.trace
        .modelCalls()
        .filter((call) => call.error !== undefined)
        .map((call) => call.error),
    ).toEqual([]);
    expect(h.trace.toolCalls("sandbox.exec").length).toBeGreaterThanOrEqual(3);
    expect(h.events.at(-1)).toMatchObject({ type: "done", outcome: "fixed" });
    // Per attempt: the change, then the base commit's code with the new test (does it reproduce the issue?).
    expect(h.events.filter((e) => e.type === "tests").map((e) => (e as { which: string }).which)).toEqual([
      "before",
      "after",
      "after",
      "after",
      "after",
    ]);
    expect(h.events.some((e) => e.type === "finding" && e.severity === "blocking")).toBe(true);
  });

  it("snapshot protection: a worse later attempt never replaces the best, and each retry starts from the best", async () => {
    const script = baseScript();
    script["tanuki-coder"] = [
      coderAnswer([FIX_EDIT]),
      coderAnswer([
        { kind: "search-replace", path: "calc.py", search: "def add(a, b):", replace: "BROKEN\ndef add(a, b):" },
      ]),
      coderAnswer([
        {
          kind: "search-replace",
          path: "calc.py",
          search: "        return None",
          replace: "        return None  # v3",
        },
      ]),
    ];
    script["tanuki-reviewer"] = [
      blocking("First complaint."),
      blocking("Second complaint."),
      blocking("Third complaint."),
    ];
    const h = createHarness(script, { workRoot });
    const result = await runFix(taskFor(repo), configWith({ maxAttempts: 3 }), h.deps);

    expect(result.outcome).toBe("budget-exhausted");
    expect(result.reason).toMatch(/all 3 attempts were used/);
    expect(result.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const [first, second] = result.attempts;
    expect(second?.score).toBeLessThan(first?.score ?? 0);
    // attempt 3 started from attempt 1's state, not from the broken attempt 2
    const third = ScriptedModel.userText(h.model.callsFor("tanuki-coder")[2] as never);
    expect(third).toContain("if b == 0:");
    expect(third).not.toContain("BROKEN");
    expect(result.bestAttempt).toBe(1);
    expect(result.tests?.after).toEqual(first?.tests);
    expect(await git("show", `${result.branch}:calc.py`)).not.toContain("BROKEN");
    expect(await git("show", `${result.branch}:calc.py`)).not.toContain("# v3");
    expect(result.pullRequest?.draft).toBe(true);
  });

  it("stops when the coder repeats the same edits (stuck loop)", async () => {
    const script = baseScript();
    const noFix = {
      kind: "search-replace",
      path: "calc.py",
      search: "def add(a, b):",
      replace: "def add(a, b):  # hmm",
    };
    script["tanuki-coder"] = coderAnswer([noFix]);
    const h = createHarness(script, { workRoot });
    const result = await runFix(taskFor(repo), configWith({ maxAttempts: 5 }), h.deps);
    expect(result.outcome).toBe("not-fixed");
    expect(result.reason).toMatch(/attempt 2 made the same edits as attempt 1/);
    expect(result.attempts).toHaveLength(2);
    expect(h.model.callsFor("tanuki-debugger")).toHaveLength(2);
  });

  it("flags a deleted test as blocking even when the reviewer approves", async () => {
    const script = baseScript();
    script["tanuki-coder"] = coderAnswer([
      {
        kind: "search-replace",
        path: "tests/test_calc.py",
        search: "\n\ndef test_divide_by_zero_returns_none():\n    assert divide(1, 0) is None\n",
        replace: "\n",
      },
    ]);
    const h = createHarness(script, { workRoot });
    const result = await runFix(taskFor(repo), configWith({ maxAttempts: 1 }), h.deps);
    expect(result.attempts[0]?.tests?.exitCode).toBe(0);
    expect(result.outcome).not.toBe("fixed");
    expect(
      result.findings.some((f) => f.severity === "blocking" && /removes 1 test function/.test(f.explanation)),
    ).toBe(true);
    expect(result.pullRequest?.draft).toBe(true);
  });

  it("stops at the wall-clock budget measured with the injected clock", async () => {
    let clock = 0;
    const script = baseScript();
    const planner = script["tanuki-planner:PlannerOutput"];
    script["tanuki-planner:PlannerOutput"] = () => {
      clock += 40_000;
      return planner;
    };
    script["tanuki-coder"] = coderAnswer([FIX_EDIT]);
    const h = createHarness(script, { workRoot, now: () => clock });
    const result = await runFix(taskFor(repo), configWith({ maxAttempts: 3, wallClockMs: 60_000 }), h.deps);
    expect(result.outcome).toBe("budget-exhausted");
    expect(result.reason).toMatch(/wall-clock budget of 60 s/);
    expect(h.model.callsFor("tanuki-planner", "PlannerOutput")).toHaveLength(2);
    expect(h.model.callsFor("tanuki-coder")).toHaveLength(0);
    expect(h.sandboxes.created[0]?.disposed).toBe(true);
  });

  it("stops at the token budget", async () => {
    const script = baseScript();
    script["tanuki-coder"] = coderAnswer([FIX_EDIT]);
    const h = createHarness(script, { workRoot });
    const result = await runFix(taskFor(repo), configWith({ maxAttempts: 3, maxTokens: 1_000 }), h.deps);
    expect(result.outcome).toBe("budget-exhausted");
    expect(result.reason).toMatch(/token budget of 1000 tokens/);
    expect(result.usage.promptTokens + result.usage.completionTokens).toBeGreaterThanOrEqual(1_000);
  });

  it("reports cancelled, publishes nothing and still cleans up", async () => {
    const controller = new AbortController();
    const script = baseScript();
    script["tanuki-coder"] = (call: StructuredCall<unknown>) => {
      controller.abort();
      if (call.signal?.aborted) throw new Error("aborted");
      return coderAnswer([FIX_EDIT]);
    };
    const h = createHarness(script, { workRoot });
    const result = await runFix(taskFor(repo), configWith({ maxAttempts: 2 }), h.deps, controller.signal);
    expect(result.outcome).toBe("cancelled");
    expect(result.branch).toBeUndefined();
    expect(h.sandboxes.created[0]?.disposed).toBe(true);
    expect(await readdir(workRoot)).toEqual([]);
    await expect(git("branch", "--list", "tanuki/*")).resolves.toBe("");
  });

  it("turns a crash into outcome error with message and stack, and disposes everything", async () => {
    const script = baseScript();
    script["tanuki-coder"] = coderAnswer([FIX_EDIT]);
    script["tanuki-reviewer"] = () => {
      throw new TypeError("reviewer exploded");
    };
    const h = createHarness(script, { workRoot });
    const result = await runFix(taskFor(repo), configWith({ maxAttempts: 2 }), h.deps);
    expect(result.outcome).toBe("error");
    expect(result.error?.message).toBe("reviewer exploded");
    expect(result.error?.stack).toContain("TypeError");
    expect(result.reason).toContain("reviewer exploded");
    expect(h.sandboxes.created[0]?.disposed).toBe(true);
    expect(existsSync(join(repo, "calc.py"))).toBe(true);
    expect(await readdir(workRoot)).toEqual([]);
    expect(CALC_PY).toContain("return a / b");
  });

  it("a base commit whose tests cannot run ends as environment-error before any model call, saying why", async () => {
    const h = createHarness(baseScript(), { workRoot });
    const sandboxes = new FakeSandboxProvider(() => ({ exitCode: 127, stderr: "sh: 1: pytest: not found\n" }));
    const config = { ...configWith({ maxAttempts: 2 }), testCommand: "pytest -q" };

    const result = await runFix(taskFor(repo), config, { ...h.deps, sandboxes });

    expect(result.outcome).toBe("environment-error");
    expect(result.reason).toMatch(/could not run on the base commit: the test command was not found \(exit 127/);
    expect(result.baseTests?.health).toMatchObject({ status: "could-not-run" });
    expect(h.model.calls).toEqual([]);
    expect(result.attempts).toEqual([]);
    expect(sandboxes.created[0]?.commands).toHaveLength(1);
  });

  it("a plan that names a committed symlink is a plan problem, not a crash", async () => {
    await symlink("/etc/hostname", join(repo, "settings.py"));
    await git("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "add", "settings.py");
    await git("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-q", "-m", "link");
    const script = baseScript();
    script["tanuki-planner:PlannerOutput"] = {
      summary: "Read the settings",
      steps: [{ files: ["settings.py", "calc.py"], intent: "Guard b == 0", agent: "tanuki-coder" }],
    };
    script["tanuki-coder"] = coderAnswer([FIX_EDIT]);
    const h = createHarness(script, { workRoot });

    const result = await runFix(taskFor(repo), configWith({ maxAttempts: 1 }), h.deps);

    expect(result.error).toBeUndefined();
    expect(result.outcome).not.toBe("error");
    const coderPrompt = h.model
      .callsFor("tanuki-coder")
      .map((call) => ScriptedModel.userText(call))
      .join("\n");
    expect(coderPrompt).toMatch(/settings\.py[^\n]*(refused|symlink|outside)/i);
  });
});
