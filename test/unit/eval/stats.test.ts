import { describe, expect, it } from "vitest";
import { mcnemarExactP, median, wilsonInterval } from "../../../src/eval/stats.js";

describe("wilsonInterval", () => {
  it("matches the published Wilson score intervals (R prop.test, correct = FALSE)", () => {
    const half = wilsonInterval(5, 10);
    expect(half.rate).toBe(0.5);
    expect(half.low).toBeCloseTo(0.2366, 4);
    expect(half.high).toBeCloseTo(0.7634, 4);
    const none = wilsonInterval(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const all = wilsonInterval(20, 20);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.8389, 4);
  });

  it("gives [0, 1] for no trials and refuses impossible counts", () => {
    expect(wilsonInterval(0, 0)).toEqual({ rate: 0, low: 0, high: 1 });
    expect(() => wilsonInterval(3, 2)).toThrow(RangeError);
    expect(() => wilsonInterval(-1, 2)).toThrow(RangeError);
  });
});

describe("mcnemarExactP", () => {
  it("is the two-sided binomial test of the discordant pairs", () => {
    expect(mcnemarExactP(1, 9)).toBeCloseTo(22 / 1024, 12);
    expect(mcnemarExactP(9, 1)).toBeCloseTo(22 / 1024, 12);
    expect(mcnemarExactP(2, 8)).toBeCloseTo(112 / 1024, 12);
    expect(mcnemarExactP(0, 6)).toBeCloseTo(2 / 64, 12);
    expect(mcnemarExactP(5, 5)).toBe(1);
    expect(mcnemarExactP(0, 0)).toBe(1);
  });

  it("stays finite and exact for thousands of pairs", () => {
    const p = mcnemarExactP(1000, 1200);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-4);
    expect(mcnemarExactP(0, 3000)).toBe(0);
  });
});

describe("median", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeUndefined();
    expect(median([Number.NaN, 5])).toBe(5);
  });
});
