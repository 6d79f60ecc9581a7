import { describe, expect, it } from "vitest";
import type { TestReport } from "../../../src/core/test-report.js";
import { BestSnapshotKeeper, scoreAttempt } from "../../../src/loop/score.js";

const tests = (exitCode: number, passed: number, failed: number): TestReport => ({
  command: "pytest",
  exitCode,
  passed,
  failed,
  durationMs: 1,
  timedOut: false,
  outputTail: "",
});
const blocking = { file: "a.py", line: 1, severity: "blocking" as const, explanation: "bad" };

describe("scoreAttempt", () => {
  it("orders: passing > passing with a blocking finding > failing fewer > failing more", () => {
    const pass = scoreAttempt({ tests: tests(0, 3, 0), findings: [], editProblems: 0 });
    const passBlocked = scoreAttempt({ tests: tests(0, 3, 0), findings: [blocking], editProblems: 0 });
    const failOne = scoreAttempt({ tests: tests(1, 2, 1), findings: [], editProblems: 0 });
    const failTwo = scoreAttempt({ tests: tests(1, 1, 2), findings: [], editProblems: 0 });
    expect(pass).toBeGreaterThan(passBlocked);
    expect(passBlocked).toBeGreaterThan(failOne);
    expect(failOne).toBeGreaterThan(failTwo);
  });

  it("resolved findings do not count; edit problems cost a little", () => {
    const base = scoreAttempt({ tests: tests(0, 3, 0), findings: [], editProblems: 0 });
    expect(scoreAttempt({ tests: tests(0, 3, 0), findings: [{ ...blocking, resolved: true }], editProblems: 0 })).toBe(
      base,
    );
    expect(scoreAttempt({ tests: tests(0, 3, 0), findings: [], editProblems: 2 })).toBe(base - 2);
  });
});

describe("BestSnapshotKeeper (snapshot protection)", () => {
  it("a worse or equal later attempt never replaces the best", () => {
    const keeper = new BestSnapshotKeeper();
    expect(keeper.offer({ attempt: 1, snapshot: "s1", score: 500 })).toBe(true);
    expect(keeper.offer({ attempt: 2, snapshot: "s2", score: 100 })).toBe(false);
    expect(keeper.offer({ attempt: 3, snapshot: "s3", score: 500 })).toBe(false);
    expect(keeper.best?.snapshot).toBe("s1");
    expect(keeper.offer({ attempt: 4, snapshot: "s4", score: 501 })).toBe(true);
    expect(keeper.best?.attempt).toBe(4);
  });
});
