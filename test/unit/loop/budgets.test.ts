import { describe, expect, it } from "vitest";
import { Budgets } from "../../../src/config/run-config.js";
import { checkBudgets } from "../../../src/loop/budgets.js";

const budgets = Budgets.parse({ maxAttempts: 2, wallClockMs: 60_000, maxTokens: 10_000 });

describe("checkBudgets", () => {
  it("passes while everything is under budget", () => {
    expect(checkBudgets(budgets, { elapsedMs: 59_999, tokens: 9_999, attemptsStarted: 1 }, true)).toBeUndefined();
  });

  it("attempts count only before starting another attempt", () => {
    expect(checkBudgets(budgets, { elapsedMs: 0, tokens: 0, attemptsStarted: 2 }, true)?.kind).toBe("attempts");
    expect(checkBudgets(budgets, { elapsedMs: 0, tokens: 0, attemptsStarted: 2 }, false)).toBeUndefined();
  });

  it("wall clock and tokens, wall clock first, with readable reasons", () => {
    const wall = checkBudgets(budgets, { elapsedMs: 60_000, tokens: 20_000, attemptsStarted: 0 }, false);
    expect(wall).toEqual({ kind: "wall-clock", reason: "the wall-clock budget of 60 s ran out" });
    const tokens = checkBudgets(budgets, { elapsedMs: 1, tokens: 10_000, attemptsStarted: 0 }, false);
    expect(tokens?.kind).toBe("tokens");
    expect(tokens?.reason).toContain("10000 tokens");
  });
});
