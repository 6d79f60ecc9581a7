import { describe, expect, it } from "vitest";
import type { TestReport } from "../../../src/core/test-report.js";
import { editSignature, failureSignature, StuckDetector } from "../../../src/loop/stuck-detector.js";

const edit = (replace: string) => ({ kind: "search-replace" as const, path: "calc.py", search: "a / b", replace });
const failing = (tail: string): TestReport => ({
  command: "pytest",
  exitCode: 1,
  failed: 1,
  passed: 2,
  durationMs: 10,
  timedOut: false,
  outputTail: tail,
});

describe("stuck-loop detection", () => {
  it("stops when an attempt makes the same edits as an earlier one (order and whitespace ignored)", () => {
    const detector = new StuckDetector();
    const first = [edit("a // b"), { kind: "write-file" as const, path: "x.py", content: "x = 1\n" }];
    const second = [{ kind: "write-file" as const, path: "x.py", content: "x  =  1" }, edit("a //   b")];
    expect(detector.observe({ attempt: 1, edits: editSignature(first), failure: "f1" })).toBeUndefined();
    expect(detector.observe({ attempt: 2, edits: editSignature(second), failure: "f2" })).toMatch(
      /attempt 2 made the same edits as attempt 1/,
    );
  });

  it("stops when an attempt fails the same way (numbers and durations ignored)", () => {
    const detector = new StuckDetector();
    const a = failureSignature(failing("FAILED test_calc.py::test_div - assert 3 == 4\n1 failed in 0.12s"), [], false);
    const b = failureSignature(failing("FAILED test_calc.py::test_div - assert 5 == 4\n1 failed in 0.31s"), [], false);
    expect(
      detector.observe({ attempt: 1, edits: editSignature([edit("x")]), ...(a ? { failure: a } : {}) }),
    ).toBeUndefined();
    expect(detector.observe({ attempt: 2, edits: editSignature([edit("y")]), ...(b ? { failure: b } : {}) })).toMatch(
      /failed the same way as attempt 1/,
    );
  });

  it("continues when edits and failures differ", () => {
    const detector = new StuckDetector();
    const a = failureSignature(failing("FAILED test_calc.py::test_div - ZeroDivisionError"), [], false);
    const b = failureSignature(failing("FAILED test_calc.py::test_mul - AssertionError"), [], false);
    expect(
      detector.observe({ attempt: 1, edits: editSignature([edit("x")]), ...(a ? { failure: a } : {}) }),
    ).toBeUndefined();
    expect(
      detector.observe({ attempt: 2, edits: editSignature([edit("y")]), ...(b ? { failure: b } : {}) }),
    ).toBeUndefined();
  });

  it("a passing attempt with nothing blocking has no failure signature; a blocking finding gives one", () => {
    expect(failureSignature(failing("ok"), [], true)).toBeUndefined();
    const finding = {
      file: "calc.py",
      line: 3,
      severity: "blocking" as const,
      explanation: "Division by zero unhandled",
    };
    expect(failureSignature(undefined, [finding], true)).toBeDefined();
  });
});
