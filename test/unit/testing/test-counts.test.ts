import { describe, expect, it } from "vitest";
import { parseTestOutput } from "../../../src/testing/test-counts.js";

describe("parseTestOutput", () => {
  it("pytest -q summary with failures and errors", () => {
    const out = [
      "..F.E",
      "=================================== FAILURES ===================================",
      "FAILED tests/test_calc.py::test_divide - ZeroDivisionError: division by zero",
      "ERROR tests/test_io.py::test_read - FileNotFoundError",
      "1 failed, 3 passed, 1 error in 0.12s",
    ].join("\n");
    expect(parseTestOutput(out)).toEqual({ runner: "pytest", passed: 3, failed: 1, errors: 1 });
  });

  it("pytest framed summary with skips, and 'no tests ran'", () => {
    expect(parseTestOutput("======= 5 passed, 2 skipped, 1 xfailed in 1.03s =======")).toEqual({
      runner: "pytest",
      passed: 5,
      failed: 0,
      skipped: 3,
    });
    expect(parseTestOutput("==== no tests ran in 0.01s ====")).toEqual({ runner: "pytest", passed: 0, failed: 0 });
  });

  it("node:test TAP and spec reporters", () => {
    const tap = ["# tests 4", "# suites 1", "# pass 3", "# fail 1", "# cancelled 0", "# skipped 0", "# todo 0"].join(
      "\n",
    );
    expect(parseTestOutput(tap)).toEqual({ runner: "node", passed: 3, failed: 1 });
    const spec = ["ℹ tests 2", "ℹ pass 2", "ℹ fail 0", "ℹ skipped 1", "ℹ duration_ms 40.1"].join("\n");
    expect(parseTestOutput(spec)).toEqual({ runner: "node", passed: 2, failed: 0, skipped: 1 });
  });

  it("jest", () => {
    const out = [
      "Test Suites: 1 failed, 1 passed, 2 total",
      "Tests:       2 failed, 1 skipped, 7 passed, 10 total",
      "Time: 1.2 s",
    ].join("\n");
    expect(parseTestOutput(out)).toEqual({ runner: "jest", passed: 7, failed: 2, skipped: 1 });
  });

  it("vitest (coloured), reading Tests, not Test Files", () => {
    const out = [
      "\u001b[2m Test Files \u001b[22m \u001b[1m\u001b[31m1 failed\u001b[39m\u001b[22m\u001b[2m | \u001b[22m\u001b[1m\u001b[32m3 passed\u001b[39m\u001b[22m\u001b[90m (4)\u001b[39m",
      "\u001b[2m      Tests \u001b[22m \u001b[1m\u001b[31m2 failed\u001b[39m\u001b[22m\u001b[2m | \u001b[22m\u001b[1m\u001b[32m11 passed\u001b[39m\u001b[22m\u001b[90m (13)\u001b[39m",
    ].join("\n");
    expect(parseTestOutput(out)).toEqual({ runner: "vitest", passed: 11, failed: 2 });
  });

  it("mocha", () => {
    expect(parseTestOutput("  3 passing (12ms)\n  1 pending\n  2 failing\n\n  1) thing")).toEqual({
      runner: "mocha",
      passed: 3,
      failed: 2,
      skipped: 1,
    });
  });

  it("unknown output gives undefined", () => {
    expect(parseTestOutput("make: *** [test] Error 2")).toBeUndefined();
    expect(parseTestOutput("")).toBeUndefined();
  });
});

describe("parseTestOutput: unittest and cargo", () => {
  it("unittest's closing lines, with failures, errors and skips", () => {
    const out = ["..F.Es", "Ran 6 tests in 0.004s", "", "FAILED (failures=1, errors=1, skipped=1)"].join("\n");
    expect(parseTestOutput(out)).toEqual({ runner: "unittest", passed: 3, failed: 1, errors: 1, skipped: 1 });
    expect(parseTestOutput("Ran 2 tests in 0.001s\n\nOK\n")).toEqual({ runner: "unittest", passed: 2, failed: 0 });
  });

  it("cargo test: one result line per test binary, summed", () => {
    const out = [
      "test result: ok. 3 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s",
      "test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s",
    ].join("\n");
    expect(parseTestOutput(out)).toEqual({ runner: "libtest", passed: 4, failed: 2, skipped: 1 });
  });
});
