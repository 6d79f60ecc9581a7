import type { TraceRecord, TraceSink } from "../../src/core/trace.js";

/** A TraceSink that keeps records in memory, for assertions. */
export class MemoryTrace implements TraceSink {
  readonly records: TraceRecord[] = [];
  closed = false;

  record(entry: TraceRecord): void {
    this.records.push(entry);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Model-call records, optionally of one agent. */
  modelCalls(agent?: string): Extract<TraceRecord, { kind: "model-call" }>[] {
    return this.records.filter(
      (r): r is Extract<TraceRecord, { kind: "model-call" }> =>
        r.kind === "model-call" && (agent === undefined || r.agent === agent),
    );
  }

  /** Tool-call records, optionally of one tool. */
  toolCalls(tool?: string): Extract<TraceRecord, { kind: "tool-call" }>[] {
    return this.records.filter(
      (r): r is Extract<TraceRecord, { kind: "tool-call" }> =>
        r.kind === "tool-call" && (tool === undefined || r.tool === tool),
    );
  }
}
