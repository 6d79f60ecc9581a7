import { describe, expect, it } from "vitest";
import type { TestCaseResult, TestReport, TestStatus } from "../../../src/core/test-report.js";
import { classifyBaseRun } from "../../../src/testing/base-health.js";
import { proveChange } from "../../../src/testing/prove-change.js";

function run(cases: Record<string, TestStatus> | undefined, extra: Partial<TestReport> = {}): TestReport {
  const list: TestCaseResult[] | undefined = cases
    ? Object.entries(cases).map(([id, status]) => ({
        id,
        name: id.split("::").at(-1) ?? id,
        status,
        file: id.split("::")[0],
      }))
    : undefined;
  const failed = list?.some((c) => c.status === "failed" || c.status === "error");
  return {
    command: "pytest",
    exitCode: failed ? 1 : 0,
    durationMs: 1,
    timedOut: false,
    outputTail: "",
    ...(list
      ? {
          cases: list,
          passed: list.filter((c) => c.status === "passed").length,
          failed: list.filter((c) => c.status === "failed").length,
        }
      : {}),
    ...extra,
  };
}

const BASE = { "t.py::test_a": "passed", "t.py::test_b": "passed" } as const;

describe("proveChange (per test)", () => {
  it("proven: the new test fails on the base and passes with the change; everything that passed still passes", () => {
    const proof = proveChange(run(BASE), {
      withChange: run({ ...BASE, "t_new.py::test_zero": "passed" }),
      newTestsOnBase: run({ ...BASE, "t_new.py::test_zero": "failed" }),
    });
    expect(proof).toMatchObject({
      mode: "per-test",
      proven: true,
      problems: [],
      preExisting: { passedBefore: 2, stillPassing: 2 },
    });
    expect(proof.cases).toEqual([
      expect.objectContaining({
        id: "t_new.py::test_zero",
        kind: "new",
        before: "failed",
        after: "passed",
        proves: true,
      }),
    ]);
  });

  it("a new test that passes on the base does not reproduce the issue", () => {
    const proof = proveChange(run(BASE), {
      withChange: run({ ...BASE, "t_new.py::test_zero": "passed" }),
      newTestsOnBase: run({ ...BASE, "t_new.py::test_zero": "passed" }),
    });
    expect(proof.proven).toBe(false);
    expect(proof.problems.join()).toMatch(/do not reproduce the issue: t_new.py::test_zero/);
  });

  it("a new test file that cannot even be imported on the base reproduces (pytest reports the module as the error)", () => {
    const proof = proveChange(run(BASE), {
      withChange: run({ ...BASE, "t_new.py::test_zero": "passed" }),
      newTestsOnBase: run({ ...BASE, "t_new.py": "error" }),
    });
    expect(proof.proven).toBe(true);
  });

  it("never proven: a pre-existing test regresses, no longer runs, or everything is skipped", () => {
    const regressed = proveChange(run({ ...BASE, "t.py::test_c": "failed" }), {
      withChange: run({ "t.py::test_a": "failed", "t.py::test_c": "passed" }),
    });
    expect(regressed.proven).toBe(false);
    expect(regressed.cases.map((c) => [c.id, c.verdict])).toEqual([
      ["t.py::test_a", "regressed"],
      ["t.py::test_b", "no longer runs"],
      ["t.py::test_c", "fixed by the change"],
    ]);
    const skipped = proveChange(run({ "t.py::test_c": "failed" }), {
      withChange: run({ "t.py::test_c": "skipped", "t_new.py::test_x": "skipped" }),
    });
    expect(skipped.problems.join()).toMatch(/no test ran/);
  });

  it("a pre-existing test that failed on the base and passes with the change is proof by itself", () => {
    const proof = proveChange(run({ ...BASE, "t.py::test_c": "failed" }), {
      withChange: run({ ...BASE, "t.py::test_c": "passed" }),
    });
    expect(proof.proven).toBe(true);
  });
});

describe("proveChange (counts only)", () => {
  it("passes only when the change's run passes, no fewer tests pass, and the new tests make the base fail", () => {
    const base = run(undefined, { passed: 3, failed: 0 });
    const ok = proveChange(base, {
      withChange: run(undefined, { passed: 4, failed: 0 }),
      newTestsOnBase: run(undefined, { exitCode: 1, passed: 3, failed: 1 }),
    });
    expect(ok).toMatchObject({ mode: "counts", proven: true });
    const notReproducing = proveChange(base, {
      withChange: run(undefined, { passed: 4, failed: 0 }),
      newTestsOnBase: run(undefined, { passed: 4, failed: 0 }),
    });
    expect(notReproducing.problems.join()).toMatch(/do not reproduce/);
    const fewer = proveChange(base, { withChange: run(undefined, { passed: 0, failed: 0, skipped: 2 }) });
    expect(fewer.problems.join()).toMatch(/no test ran/);
  });
});

describe("classifyBaseRun", () => {
  it("could not run: command not found, collection error, nothing collected, everything skipped", () => {
    expect(classifyBaseRun(run(undefined, { exitCode: 127, outputTail: "sh: 1: mocha: not found\n" }), true)).toEqual({
      status: "could-not-run",
      reason: "the test command was not found (exit 127: sh: 1: mocha: not found)",
    });
    expect(classifyBaseRun(run({ "tests/test_x.py": "error" }, { exitCode: 2 }), true)).toMatchObject({
      status: "could-not-run",
      reason: expect.stringMatching(/collecting or loading.*tests\/test_x.py/),
    });
    expect(classifyBaseRun(run({}, { exitCode: 5 }), true)).toMatchObject({ status: "could-not-run" });
    expect(classifyBaseRun(run({ "t.py::a": "skipped" }), true)).toMatchObject({ status: "could-not-run" });
    expect(
      classifyBaseRun(run(undefined, { exitCode: 1, outputTail: "No tests found, exiting with code 1" }), true),
    ).toMatchObject({
      status: "could-not-run",
    });
  });

  it("ran: clean, with failures (a timeout too), or no tests at all in a repository without test files", () => {
    expect(classifyBaseRun(run(BASE), true)).toEqual({ status: "ran-clean" });
    expect(classifyBaseRun(run({ ...BASE, "t.py::c": "failed" }), true)).toEqual({ status: "ran-with-failures" });
    expect(classifyBaseRun(run(undefined, { exitCode: 124, timedOut: true }), true)).toEqual({
      status: "ran-with-failures",
    });
    expect(classifyBaseRun(run({}, { exitCode: 5 }), false)).toEqual({ status: "no-tests" });
    expect(classifyBaseRun(run(undefined, { exitCode: 1, outputTail: "weird runner failed" }), true)).toEqual({
      status: "ran-with-failures",
    });
  });
});
