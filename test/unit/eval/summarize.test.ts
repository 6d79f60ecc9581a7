import { describe, expect, it } from "vitest";
import { summarize } from "../../../src/eval/summarize.js";
import { resultFor } from "./eval-results.js";

describe("summarize", () => {
  it("counts, rates with a Wilson interval, Tanuki's precision, medians and groups", () => {
    const results = [
      resultFor("a", true, { tanukiSaysFixed: true, harness: harness(5_000, 2_000) }),
      resultFor("b", false, { tanukiSaysFixed: true, harness: harness(7_000, 3_000) }),
      resultFor("c", true, {
        tanukiSaysFixed: false,
        repo: "acme/gadgets",
        language: "go",
        harness: harness(9_000, 1_000),
      }),
      resultFor("d", false, { tanukiSaysFixed: false, status: "error", outcome: "error", error: "boom" }),
    ];
    const s = summarize(results);
    expect(s).toMatchObject({ total: 4, resolved: 2, rate: 0.5 });
    expect(s.interval95.low).toBeCloseTo(0.15, 2);
    expect(s.interval95.high).toBeCloseTo(0.85, 2);
    expect(s.tanukiVerdict).toEqual({ saidFixed: 2, confirmed: 1, precision: 0.5, missed: 1 });
    expect(s.statuses).toEqual({ resolved: 2, unresolved: 1, error: 1 });
    expect(s.medians.scoreMs).toBe(7_000);
    expect(s.medians.testMs).toBe(2_000);
    expect(s.medians.overheadMs).toBe(4_000);
    expect(s.byRepo["acme/gadgets"]).toMatchObject({ total: 1, resolved: 1 });
    expect(s.byLanguage.python).toMatchObject({ total: 3, resolved: 1 });
    expect(s.gold).toBeUndefined();
  });

  it("lists invalid tasks of a gold run", () => {
    const s = summarize([
      resultFor("good", true, { model_name_or_path: "gold", baseFails: true }),
      resultFor("passes-on-base", true, { model_name_or_path: "gold", baseFails: false, status: "invalid" }),
      resultFor("no-go-toolchain", false, { model_name_or_path: "gold", status: "error" }),
      resultFor("wrong-gold", false, { model_name_or_path: "gold", status: "invalid" }),
    ]);
    expect(s.gold).toEqual({ valid: 1, invalid: ["passes-on-base", "wrong-gold"] });
    expect(s.tanukiVerdict).toBeUndefined();
  });
});

function harness(scoreMs: number, testMs: number) {
  return {
    patchApplied: true,
    testPatchApplied: true,
    failToPass: { passed: [], failed: [] },
    passToPass: { passed: [], failed: [] },
    scoreMs,
    testMs,
  };
}
