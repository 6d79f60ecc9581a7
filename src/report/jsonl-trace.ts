import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import type { TraceRecord, TraceSink } from "../core/trace.js";

/**
 * A {@link TraceSink} that appends one JSON object per line to a file (`trace.jsonl`). Records are buffered by the
 * stream and flushed on {@link close}. `record` never throws: a record that cannot be serialised (a cycle, a
 * BigInt) is replaced by an `event` record saying so; a write error is kept and rethrown by `close`.
 */
export class JsonlTraceSink implements TraceSink {
  private readonly stream: WriteStream;
  private writeError: Error | undefined;
  private closed: Promise<void> | undefined;

  /** @param path  file to append to; parent folders are created */
  constructor(readonly path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: "a", encoding: "utf8" });
    this.stream.on("error", (error) => {
      this.writeError ??= error;
    });
  }

  record(entry: TraceRecord): void {
    if (this.closed || this.writeError) return;
    let line: string;
    try {
      line = JSON.stringify(entry);
    } catch (error) {
      line = JSON.stringify({
        kind: "event",
        at: new Date().toISOString(),
        event: { type: "trace-error", message: `unserialisable ${entry.kind} record: ${String(error)}` },
      });
    }
    this.stream.write(`${line}\n`);
  }

  /**
   * Flushes and closes the file. Idempotent.
   * @throws Error when a write failed (disk full, permission), with the underlying error
   */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve, reject) => {
      this.stream.end(() => (this.writeError ? reject(this.writeError) : resolve()));
    });
    return this.closed;
  }
}
