import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { JsonlTraceSink } from "../../../src/report/jsonl-trace.js";

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

describe("JsonlTraceSink caps", () => {
  it("writes no summary when nothing was left out", async () => {
    dir = await mkdtemp(join(tmpdir(), "tanuki-trace-"));
    const path = join(dir, "trace.jsonl");
    const sink = new JsonlTraceSink(path, { maxBytes: 16 * 1024 });
    sink.record({ kind: "event", at: "t", event: { type: "log", message: "small" } });
    await sink.close();
    const lines = (await readFile(path, "utf8")).trim().split("\n");
    expect(lines).toHaveLength(1);
  });

  it("keeps recording nothing past the cap once reached, even records that would fit again", async () => {
    dir = await mkdtemp(join(tmpdir(), "tanuki-trace-"));
    const path = join(dir, "trace.jsonl");
    const sink = new JsonlTraceSink(path, { maxBytes: 16 * 1024 });
    sink.record({ kind: "event", at: "t", event: { type: "log", message: "x".repeat(20 * 1024) } });
    sink.record({ kind: "event", at: "t", event: { type: "log", message: "small" } });
    await sink.close();
    const events = (await readFile(path, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).event);
    expect(events.map((e) => e.type)).toEqual(["trace-cap", "trace-cap-summary"]);
    expect(events[1].leftOut).toEqual({ event: { records: 2, bytes: expect.any(Number) } });
  });
});
