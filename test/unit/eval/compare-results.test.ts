import { describe, expect, it } from "vitest";
import { compareResults, formatComparison } from "../../../src/eval/compare-results.js";
import { resultFor } from "./eval-results.js";

describe("compareResults", () => {
  it("pairs two crafted result sets by task and gives the known exact McNemar p-value", () => {
    // 20 paired tasks: both 6, only A 1, only B 9, neither 4; B also has a task A lacks.
    const plan = [
      ...Array.from({ length: 6 }, () => [true, true]),
      [true, false],
      ...Array.from({ length: 9 }, () => [false, true]),
      ...Array.from({ length: 4 }, () => [false, false]),
    ] as const;
    const a = plan.map(([resolved], i) =>
      resultFor(`t-${i}`, resolved, { wallMs: 1_000, tokens: { total: 100, byAgent: {} } }),
    );
    const b = [
      ...plan.map(([, resolved], i) =>
        resultFor(`t-${i}`, resolved, { wallMs: 3_000, tokens: { total: 50, byAgent: {} } }),
      ),
      resultFor("extra", true),
    ];

    const c = compareResults({ label: "A", results: a }, { label: "B", results: b });

    expect(c).toMatchObject({
      paired: 20,
      both: 6,
      onlyA: 1,
      onlyB: 9,
      neither: 4,
      unpaired: { onlyInA: 0, onlyInB: 1 },
    });
    expect(c.a.resolved).toBe(7);
    expect(c.b.resolved).toBe(15);
    // P = 2 · P(X ≤ 1), X ~ Bin(10, 1/2) = 2 · 11/1024
    expect(c.pValue).toBeCloseTo(0.021484375, 12);
    expect(c.difference).toBeCloseTo(8 / 20, 12);
    expect(c.timeRatio).toBe(3);
    expect(c.tokenRatio).toBe(0.5);
    expect(c.onlyAIds).toEqual(["t-6"]);
    const text = formatComparison(c);
    expect(text).toContain("only A 1, only B 9");
    expect(text).toContain("p = 0.0215");
  });

  it("gives p = 1 when nothing differs", () => {
    const a = [resultFor("x", true), resultFor("y", false)];
    expect(compareResults({ label: "A", results: a }, { label: "B", results: a }).pValue).toBe(1);
  });
});
