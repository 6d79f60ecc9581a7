import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { branchNameFor, JsonlTraceSink, slugify } from "../../../src/loop/jsonl-trace.js";

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("JsonlTraceSink", () => {
  it("appends one JSON object per line, flushed on close, in a folder it creates", async () => {
    dir = await mkdtemp(join(tmpdir(), "tanuki-trace-"));
    const path = join(dir, "out", "trace.jsonl");
    const sink = new JsonlTraceSink(path);
    sink.record({ kind: "event", at: "2026-01-01T00:00:00.000Z", event: { type: "log", message: "one" } });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    sink.record({ kind: "event", at: "2026-01-01T00:00:01.000Z", event: cyclic });
    await sink.close();
    await sink.close();
    sink.record({ kind: "event", at: "late", event: {} });
    const lines = (await readFile(path, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[0].event.message).toBe("one");
    expect(lines[1].event.type).toBe("trace-error");
  });
});

describe("slugify and branchNameFor", () => {
  it("makes git-safe slugs", () => {
    expect(slugify("Division by zero crashes `calc`!")).toBe("division-by-zero-crashes-calc");
    expect(slugify("Crème brûlée  --  fix")).toBe("creme-brulee-fix");
    expect(slugify("***")).toBe("fix");
    const long = slugify("a very long title that keeps going and going well past the limit of the slug", 30);
    expect(long.length).toBeLessThanOrEqual(30);
    expect(long).not.toMatch(/-$/);
  });

  it("uses the task's branch, else tanuki/<n>-<slug> or tanuki/<slug>", () => {
    expect(branchNameFor({ branchName: "tanuki/custom", issue: { title: "x", body: "" } })).toBe("tanuki/custom");
    expect(branchNameFor({ issue: { title: "Fix the bug", body: "", number: 42 } })).toBe("tanuki/42-fix-the-bug");
    expect(branchNameFor({ issue: { title: "Fix the bug", body: "" } })).toBe("tanuki/fix-the-bug");
  });
});
