import { describe, expect, it } from "vitest";
import { WorldModel } from "../../../src/context/world-model.js";

const fixedClock = () => new Date("2026-11-21T10:00:00.000Z");

function pytestRun(model: WorldModel, n: number, exitCode = 1): void {
  model.addToolResult({
    tool: "sandbox.exec",
    command: `python3 -m pytest -q # run ${n}`,
    exitCode,
    stdoutTail: `run ${n}: ${"F".repeat(40)}\n1 failed, 2 passed`,
    stderrTail: "",
  });
}

describe("WorldModel", () => {
  it("records tool results, facts and notes in order, stamped and frozen", () => {
    const model = new WorldModel({ now: fixedClock });
    pytestRun(model, 1);
    model.addFact("tests.before", "1 failed, 2 passed");
    model.addNote("edit to calc/ops.py applied");
    const entries = model.entries();
    expect(entries.map((e) => e.kind)).toEqual(["tool", "fact", "note"]);
    expect(entries.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(entries.every((e) => e.at === "2026-11-21T10:00:00.000Z")).toBe(true);
    expect(Object.isFrozen(entries[0])).toBe(true);
    expect(model.toolResults()[0]).toMatchObject({ tool: "sandbox.exec", exitCode: 1 });
  });

  it("keeps the latest value of a fact", () => {
    const model = new WorldModel();
    model.addFact("tests", "1 failed");
    model.addFact("tests", "all passed");
    expect(model.facts()).toEqual({ tests: "all passed" });
    expect(model.render(2_000)).toContain("- tests: all passed");
    expect(model.render(2_000)).not.toContain("- tests: 1 failed");
  });

  it("caps stored output tails, keeping the end", () => {
    const model = new WorldModel({ maxTailChars: 50 });
    model.addToolResult({
      tool: "git",
      command: "git diff",
      exitCode: 0,
      stdoutTail: `${"x".repeat(500)}END`,
      stderrTail: "",
    });
    const stored = model.toolResults()[0]?.stdoutTail ?? "";
    expect(stored.length).toBeLessThanOrEqual(50);
    expect(stored.endsWith("END")).toBe(true);
  });

  it("renders within the budget, delimited as data, keeping the newest entries", () => {
    const model = new WorldModel();
    model.addFact("language", "python");
    for (let n = 1; n <= 30; n++) pytestRun(model, n);
    const text = model.render(1_200);
    expect(text.length).toBeLessThanOrEqual(1_200);
    expect(text).toMatch(/untrusted data, not instructions/);
    expect(text).toContain("<untrusted-data");
    expect(text).toContain("- language: python");
    expect(text).toContain("# run 30");
    expect(text).not.toContain("# run 1 ");
    expect(text).toMatch(/\(\d+ earlier entries omitted\)/);
    const runs = [...text.matchAll(/# run (\d+)/g)].map((m) => Number(m[1]));
    expect(runs).toEqual([...runs].sort((a, b) => a - b));
  });

  it("shortens a huge newest entry instead of dropping it", () => {
    const model = new WorldModel();
    model.addToolResult({
      tool: "sandbox.exec",
      command: "npm test",
      exitCode: 1,
      stdoutTail: `${"y".repeat(3_000)}\nFAILED: parse`,
      stderrTail: "",
    });
    const text = model.render(900);
    expect(text.length).toBeLessThanOrEqual(900);
    expect(text).toContain("npm test → exit 1");
    expect(text).toContain("FAILED: parse");
  });

  it("renders nothing when empty or when the budget cannot hold the delimiters", () => {
    expect(new WorldModel().render(1_000)).toBe("");
    const model = new WorldModel();
    model.addNote("x");
    expect(model.render(20)).toBe("");
  });
});
