import { describe, expect, it } from "vitest";
import { describeTestCounts } from "../../../src/core/test-report.js";

describe("describeTestCounts: the one text form of test counts", () => {
  it("counts when the runner's summary was read; errors, skips and a timeout only when there are any", () => {
    expect(describeTestCounts({ exitCode: 1, passed: 3, failed: 1 })).toBe("3 passed, 1 failed");
    expect(describeTestCounts({ exitCode: 1, passed: 0, failed: 0, errors: 2, skipped: 1, timedOut: true })).toBe(
      "0 passed, 0 failed, 2 errors, 1 skipped, timed out",
    );
    expect(describeTestCounts({ exitCode: 0, passed: 5 })).toBe("5 passed, 0 failed");
  });

  it("never claims a count nobody saw: the exit code alone when there is no summary", () => {
    expect(describeTestCounts({ exitCode: 127 })).toBe("exit 127");
    expect(describeTestCounts({ exitCode: 1, passed: 2, failed: 1 }, { withExit: true })).toBe(
      "exit 1, 2 passed, 1 failed",
    );
    expect(describeTestCounts({ exitCode: 2 }, { withExit: true })).toBe("exit 2");
  });
});
