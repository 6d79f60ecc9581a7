import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { TraceRecord } from "../../src/core/trace.js";
import { JsonlTraceSink } from "../../src/report/jsonl-trace.js";

/**
 * Threat: the trace records every prompt, answer and command output of a run, all attacker-controlled; a 300 MiB
 * answer once made a 301 MB trace. The real sink writes a real file; whatever is recorded, the file stays under
 * its cap, every line is JSON, and the reader is told what was left out.
 */
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

const MAX_BYTES = 2 * 1024 * 1024;

function modelCall(output: string): TraceRecord {
  return {
    kind: "model-call",
    agent: "tanuki-coder",
    at: "2026-01-01T00:00:00.000Z",
    messages: [{ role: "user", content: "fix it" }],
    schema: "CoderOutput",
    output,
    promptTokens: 3,
    completionTokens: 1,
    durationMs: 1,
  };
}

async function lines(path: string): Promise<Record<string, unknown>[]> {
  return (await readFile(path, "utf8"))
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("the JSONL trace has a size cap", () => {
  it("a flood of large records: the file stays under the cap, a marker says so, a summary counts what was left out", async () => {
    dir = await mkdtemp(join(tmpdir(), "tanuki-trace-cap-"));
    const path = join(dir, "trace.jsonl");
    const sink = new JsonlTraceSink(path, { maxBytes: MAX_BYTES });
    const chunk = "x".repeat(256 * 1024);
    for (let i = 0; i < 40; i++) sink.record(modelCall(chunk)); // 10 MiB offered
    for (let i = 0; i < 5; i++) {
      sink.record({ kind: "tool-call", tool: "sandbox.exec", at: "t", input: {}, output: chunk, durationMs: 1 });
    }
    await sink.close();
    expect((await stat(path)).size).toBeLessThanOrEqual(MAX_BYTES);
    const records = await lines(path);
    const kept = records.filter((r) => r.kind === "model-call");
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(40);
    const events = records.filter((r) => r.kind === "event").map((r) => r.event as Record<string, unknown>);
    expect(events[0]?.type).toBe("trace-cap");
    expect(events[0]?.message).toMatch(/cap of 2097152 bytes/);
    const summary = events.find((e) => e.type === "trace-cap-summary");
    expect(summary?.leftOut).toEqual({
      "model-call tanuki-coder": { records: 40 - kept.length, bytes: expect.any(Number) },
      "tool-call": { records: 5, bytes: expect.any(Number) },
    });
  });

  it("one huge string is cut inside its record, not serialised whole", async () => {
    dir = await mkdtemp(join(tmpdir(), "tanuki-trace-cap-"));
    const path = join(dir, "trace.jsonl");
    const sink = new JsonlTraceSink(path, { maxBytes: MAX_BYTES, maxStringLength: 1000 });
    sink.record(modelCall(`${"a".repeat(1000)}${"b".repeat(50 * 1024 * 1024)}`));
    await sink.close();
    const [record] = await lines(path);
    expect(record?.output).toBe(`${"a".repeat(1000)}…[cut: ${50 * 1024 * 1024} more characters]`);
  });
});
