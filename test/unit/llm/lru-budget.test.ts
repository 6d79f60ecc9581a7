import { describe, expect, it } from "vitest";
import { LruBudget } from "../../../src/llm/lru-budget.js";

const mb = (n: number) => ({ ramBytes: n * 1_000_000, vramBytes: 0 });

describe("LruBudget", () => {
  it("evicts nothing while the newcomer fits", () => {
    const lru = new LruBudget<string>({ ramBytes: 10_000_000 });
    lru.add("a", mb(4));
    expect(lru.planAdmission(mb(6))).toEqual({ evict: [], fits: true });
  });

  it("evicts the least recently used entries first, only as many as needed", () => {
    const lru = new LruBudget<string>({ ramBytes: 10_000_000 });
    lru.add("a", mb(3));
    lru.add("b", mb(3));
    lru.add("c", mb(3));
    lru.touch("a");
    // Order of use: b, c, a. A 4 MB newcomer needs 3 MB freed (9 + 4 - 10): b alone.
    expect(lru.planAdmission(mb(4))).toEqual({ evict: ["b"], fits: true });
    expect(lru.planAdmission(mb(7))).toEqual({ evict: ["b", "c"], fits: true });
  });

  it("never evicts pinned entries and says when the budget cannot be met", () => {
    const lru = new LruBudget<string>({ ramBytes: 10_000_000 });
    lru.add("a", mb(5));
    lru.add("b", mb(4));
    lru.pin("a");
    expect(lru.planAdmission(mb(6))).toEqual({ evict: ["b"], fits: false });
    lru.unpin("a");
    expect(lru.planAdmission(mb(6))).toEqual({ evict: ["a"], fits: true });
  });

  it("pins nest", () => {
    const lru = new LruBudget<string>({ ramBytes: 1 });
    lru.add("a", mb(1));
    lru.pin("a");
    lru.pin("a");
    lru.unpin("a");
    expect(lru.planAdmission(mb(1)).evict).toEqual([]);
    lru.unpin("a");
    expect(lru.planAdmission(mb(1)).evict).toEqual(["a"]);
  });

  it("checks VRAM and RAM separately", () => {
    const lru = new LruBudget<string>({ ramBytes: 100_000_000, vramBytes: 10 });
    lru.add("gpu", { ramBytes: 1, vramBytes: 8 });
    lru.add("cpu", { ramBytes: 1, vramBytes: 0 });
    expect(lru.planAdmission({ ramBytes: 1, vramBytes: 5 })).toEqual({ evict: ["gpu"], fits: true });
  });

  it("treats an absent limit as unlimited and tracks what is used", () => {
    const lru = new LruBudget<string>({});
    lru.add("a", { ramBytes: 7, vramBytes: 3 });
    lru.add("b", { ramBytes: 1, vramBytes: 1 });
    expect(lru.planAdmission(mb(1_000_000))).toEqual({ evict: [], fits: true });
    expect(lru.used).toEqual({ ramBytes: 8, vramBytes: 4 });
    lru.remove("a");
    expect(lru.keys()).toEqual(["b"]);
  });
});
