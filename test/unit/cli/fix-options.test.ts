import { describe, expect, it } from "vitest";
import { runConfigFromFlags, threadsFromFlag } from "../../../src/cli/fix-options.js";
import { ConfigError } from "../../../src/core/errors.js";

describe("runConfigFromFlags", () => {
  it("applies defaults when no flag is given", () => {
    const config = runConfigFromFlags({ issue: "x" }, {});
    expect(config.budgets.maxAttempts).toBe(3);
    expect(config.planCandidates).toBe(3);
    expect(config.sandbox.image).toBe("tanuki-sandbox:latest");
    expect(config.paths.allowWorkflows).toBe(false);
  });

  it("converts units: --time-budget minutes to ms", () => {
    const config = runConfigFromFlags(
      { issue: "x", maxAttempts: "5", timeBudget: "2", tokenBudget: "5000", plans: "2", allowWorkflows: true },
      { sandboxImage: "img:1" },
    );
    expect(config.budgets).toEqual({ maxAttempts: 5, wallClockMs: 120_000, maxTokens: 5000 });
    expect(config.planCandidates).toBe(2);
    expect(config.sandbox.image).toBe("img:1");
    expect(config.paths.allowWorkflows).toBe(true);
  });

  it("names the flag in the error for a non-numeric or out-of-range value", () => {
    expect(() => runConfigFromFlags({ issue: "x", maxAttempts: "many" }, {})).toThrow(/--max-attempts/);
    expect(() => runConfigFromFlags({ issue: "x", plans: "99" }, {})).toThrow(ConfigError);
  });
});

describe("threadsFromFlag", () => {
  it("accepts a whole number in 1..512 and leaves an absent flag undefined", () => {
    expect(threadsFromFlag("4")).toBe(4);
    expect(threadsFromFlag(undefined)).toBeUndefined();
  });

  it("names --threads for anything else", () => {
    for (const bad of ["abc", "0", "1.5", "513"]) expect(() => threadsFromFlag(bad)).toThrow(/--threads/);
  });
});
