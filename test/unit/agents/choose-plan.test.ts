import { describe, expect, it } from "vitest";
import { choosePlan } from "../../../src/agents/critic/choose-plan.js";
import type { Plan } from "../../../src/core/plan.js";

const plan = (summary: string, steps = 1): Plan => ({
  summary,
  steps: Array.from({ length: steps }, (_, i) => ({ files: [`f${i}.py`], intent: `step ${i}`, agent: "tanuki-coder" })),
});
const critique = (planIndex: number, score: number) => ({ planIndex, strengths: "s", weaknesses: "w", score });

describe("choosePlan", () => {
  it("chooses the highest-scored plan even when the critic names another", () => {
    const decision = choosePlan([plan("a"), plan("b"), plan("c")], {
      critiques: [critique(0, 3), critique(1, 9), critique(2, 5)],
      chosenIndex: 2,
      reasons: "c looks fine",
    });
    expect(decision.chosenIndex).toBe(1);
    expect(decision.reasons).toContain("c looks fine");
    expect(decision.reasons).toMatch(/chose plan 2.*plan 1 scored higher/);
  });

  it("breaks a tie with the critic's choice when it is among the tied plans", () => {
    const decision = choosePlan([plan("a"), plan("b")], {
      critiques: [critique(0, 7), critique(1, 7)],
      chosenIndex: 1,
      reasons: "",
    });
    expect(decision.chosenIndex).toBe(1);
    expect(decision.reasons).toMatch(/tied/);
  });

  it("breaks a tie by fewer steps, then lower index, when the critic's choice is not tied", () => {
    const fewer = choosePlan([plan("a", 3), plan("b", 1), plan("c", 2)], {
      critiques: [critique(0, 6), critique(1, 6), critique(2, 2)],
      chosenIndex: 2,
      reasons: "",
    });
    expect(fewer.chosenIndex).toBe(1);
    const lower = choosePlan([plan("a"), plan("b")], {
      critiques: [critique(0, 5), critique(1, 5)],
      chosenIndex: 7,
      reasons: "",
    });
    expect(lower.chosenIndex).toBe(0);
  });

  it("handles an invalid index from the model: out-of-range critiques dropped, invalid choice noted", () => {
    const decision = choosePlan([plan("a"), plan("b")], {
      critiques: [critique(5, 10), critique(-1, 10), critique(1.5, 10), critique(1, 4)],
      chosenIndex: 42,
      reasons: "pick 42",
    });
    expect(decision.chosenIndex).toBe(1);
    expect(decision.critiques.map((c) => c.planIndex)).toEqual([1]);
    expect(decision.reasons).toMatch(/\(42\) is not a candidate index/);
  });

  it("keeps the first critique of a plan critiqued twice and clamps scores", () => {
    const decision = choosePlan([plan("a"), plan("b")], {
      critiques: [critique(0, 2), critique(0, 10), critique(1, 3)],
      chosenIndex: 0,
      reasons: "",
    });
    expect(decision.critiques.find((c) => c.planIndex === 0)?.score).toBe(2);
    expect(decision.chosenIndex).toBe(1);
  });

  it("never chooses a plan without steps over one with steps", () => {
    const decision = choosePlan([plan("empty", 0), plan("real", 1)], {
      critiques: [critique(0, 10), critique(1, 1)],
      chosenIndex: 0,
      reasons: "",
    });
    expect(decision.chosenIndex).toBe(1);
  });

  it("throws on no candidates", () => {
    expect(() => choosePlan([], { critiques: [], chosenIndex: 0, reasons: "" })).toThrow();
  });
});
