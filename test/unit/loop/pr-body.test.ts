import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../src/core/run-result.js";
import type { TestReport } from "../../../src/core/test-report.js";
import { renderPullRequestBody } from "../../../src/loop/pr-body.js";

const report = (exitCode: number, passed: number, failed: number, tail = ""): TestReport => ({
  command: "python3 -m pytest -q",
  exitCode,
  passed,
  failed,
  durationMs: 1500,
  timedOut: false,
  outputTail: tail,
});

function result(overrides: Partial<RunResult> = {}): RunResult {
  return {
    taskId: "t1",
    outcome: "fixed",
    reason: "Attempt 2 fixed the issue.",
    baseSha: "abc",
    attempts: [
      {
        attempt: 1,
        edits: [],
        editProblems: [],
        diff: "d",
        findings: [],
        score: -290,
        durationMs: 1000,
        failureReason: "1 blocking",
      },
      { attempt: 2, edits: [], editProblems: [], diff: "d", findings: [], score: 1003, durationMs: 2000 },
    ],
    bestAttempt: 2,
    tests: { before: report(1, 2, 1), after: report(0, 3, 0, "3 passed in 0.1s ```") },
    findings: [
      {
        file: "calc.py",
        line: 4,
        severity: "blocking",
        explanation: "Returns | None <script>",
        attempt: 1,
        resolved: true,
      },
      {
        file: "calc.py",
        line: 9,
        severity: "minor",
        explanation: "Name @alice in a comment",
        attempt: 2,
        resolved: false,
      },
    ],
    rcas: [
      {
        symptom: "ZeroDivisionError",
        whys: ["no guard", "spec unclear"],
        rootCause: "missing check",
        nextAttemptAdvice: "raise ValueError",
        attempt: 1,
      },
    ],
    filesChanged: ["calc.py", "tests/test_calc.py"],
    usage: {
      promptTokens: 100,
      completionTokens: 50,
      calls: 3,
      byAgent: {
        "tanuki-coder": { promptTokens: 60, completionTokens: 30, calls: 2 },
        "tanuki-reviewer": { promptTokens: 40, completionTokens: 20, calls: 1 },
      },
    },
    timings: { explore: 100, code: 2500, totalMs: 9000 },
    ...overrides,
  };
}

describe("renderPullRequestBody", () => {
  it("renders summary, Fixes #n, the test table, findings, RCA, usage and timings", () => {
    const body = renderPullRequestBody(result(), {
      summary: "Guard the division.",
      issueNumber: 7,
      modelName: "m.gguf",
    });
    expect(body).toContain("Guard the division.");
    expect(body).toContain("Fixes #7");
    expect(body).toMatch(/\| before \(base\) \| 1 \| 2 \| 1 \|/);
    expect(body).toMatch(/\| after \(this change\) \| 0 \| 3 \| 0 \|/);
    expect(body).toMatch(/### Open \(1\)[\s\S]*calc\.py:9[\s\S]*### Resolved \(1\)[\s\S]*calc\.py:4/);
    expect(body).toMatch(/### Attempt 1[\s\S]*\*\*Why 2:\*\* spec unclear[\s\S]*\*\*Root cause:\*\* missing check/);
    expect(body).toMatch(/\| tanuki-coder \| 2 \| 60 \| 30 \|/);
    expect(body).toMatch(/\| code \| 2\.5 s \|/);
    expect(body).toContain("| 2 (best) |");
    expect(body).toContain("`calc.py`");
  });

  it("renders model text inert: no raw HTML, no live mentions, fences that cannot be closed early", () => {
    const body = renderPullRequestBody(result());
    // Shown as code, never as live markup (the full attack set is in test/security/inert-rendering.test.ts).
    expect(body).not.toMatch(/(^|[^`])<script>/m);
    expect(body).not.toMatch(/(^|[^`])@alice/m);
    expect(body).toContain("````text");
  });

  it("omits Fixes when there is no issue number and says when no tests ran", () => {
    const body = renderPullRequestBody(result({ tests: undefined, bestAttempt: undefined, attempts: [] }));
    expect(body).not.toContain("Fixes #");
    expect(body).toContain("No tests were run.");
  });
});

describe("renderPullRequestBody: proof and base health", () => {
  it("shows the per-test proof table of the reported attempt and how the base commit's tests fared", () => {
    const base = result();
    const best = base.attempts[1];
    if (!best) throw new Error("fixture has two attempts");
    best.proof = {
      mode: "per-test",
      proven: false,
      problems: [
        "1 pre-existing test(s) that passed on the base do not pass with the change (first: t.py::test_a: regressed)",
      ],
      cases: [
        {
          id: "t_new.py::test_zero",
          kind: "new",
          before: "failed",
          after: "passed",
          verdict: "fails on the base, passes with the change",
          proves: true,
          blocks: false,
        },
        {
          id: "t.py::test_a|<b>",
          kind: "pre-existing",
          before: "passed",
          after: "failed",
          verdict: "regressed",
          proves: false,
          blocks: true,
        },
      ],
      omittedCases: 0,
      preExisting: { passedBefore: 2, stillPassing: 1 },
      runs: { withChange: report(1, 2, 1) },
    };
    const body = renderPullRequestBody({
      ...base,
      baseTests: { report: report(1, 2, 1), health: { status: "ran-with-failures" } },
    });
    expect(body).toContain("On the base commit they ran, with failures.");
    expect(body).toContain("Not proven: 1 pre-existing test(s) that passed on the base do not pass with the change");
    expect(body).toContain("Pre-existing tests that passed on the base: 2; still passing with the change: 1.");
    expect(body).toContain(
      "| `t_new.py::test_zero` | new | failed | passed | fails on the base, passes with the change |",
    );
    expect(body).toContain("| `t.py::test_a\\|<b>` | pre-existing | passed | failed | regressed |");
  });

  it("a base that could not run says why, even with no attempt", () => {
    const body = renderPullRequestBody({
      ...result({ attempts: [], tests: undefined, outcome: "environment-error", reason: "The tests could not run." }),
      baseTests: {
        report: report(127, 0, 0),
        health: { status: "could-not-run", reason: "the test command was not found (exit 127)" },
      },
    });
    expect(body).toContain("On the base commit they could not run: the test command was not found (exit 127).");
    expect(body).toMatch(/\| before \(base\) \| 127 \|/);
  });
});
