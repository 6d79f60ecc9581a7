import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";
import type { TraceRecord, TraceSink } from "../core/trace.js";

/** Default cap of one trace file, bytes (64 MiB). */
export const DEFAULT_TRACE_MAX_BYTES = 64 * 1024 * 1024;

/** Default cap of one string inside a record, UTF-16 code units (1 Mi: far above a prompt that fits a context). */
export const DEFAULT_TRACE_MAX_STRING = 1024 * 1024;

/** Room kept under the cap for the two marker records (the cap reached, what was left out), bytes. */
const MARKER_RESERVE_BYTES = 4096;

/** Options of {@link JsonlTraceSink}. */
export interface JsonlTraceOptions {
  /**
   * Most bytes the file grows by (at least 16 KiB). Records that would pass it are left out: the first one left out
   * is replaced by a `trace-cap` event, and {@link JsonlTraceSink.close} appends a `trace-cap-summary` event
   * counting what was left out per record kind. Default {@link DEFAULT_TRACE_MAX_BYTES}.
   */
  maxBytes?: number;
  /**
   * Longest string kept inside a record, UTF-16 code units: a longer one keeps its start and ends with
   * `…[cut: N more characters]`, so one huge value never has to be serialised whole. Default
   * {@link DEFAULT_TRACE_MAX_STRING}.
   */
  maxStringLength?: number;
}

/**
 * A {@link TraceSink} that appends one JSON object per line to a file (`trace.jsonl`). Records are buffered by the
 * stream and flushed on {@link close}. `record` never throws: a record that cannot be serialised (a cycle, a
 * BigInt) is replaced by an `event` record saying so; a write error is kept and rethrown by `close`.
 *
 * Bounded: strings are cut at `maxStringLength` and the file at `maxBytes` (see {@link JsonlTraceOptions}), so a
 * hostile model answer, file or test output cannot fill the disk through the trace.
 */
export class JsonlTraceSink implements TraceSink {
  private readonly stream: WriteStream;
  private readonly maxBytes: number;
  private readonly maxStringLength: number;
  private writeError: Error | undefined;
  private closed: Promise<void> | undefined;
  private written = 0;
  /** Records left out because of the cap: count and bytes per record kind. */
  private readonly leftOut = new Map<string, { records: number; bytes: number }>();

  /**
   * @param path  file to append to; parent folders are created
   * @param options  size caps
   */
  constructor(
    readonly path: string,
    options: JsonlTraceOptions = {},
  ) {
    this.maxBytes = Math.max(16 * 1024, Math.floor(options.maxBytes ?? DEFAULT_TRACE_MAX_BYTES));
    this.maxStringLength = Math.max(64, Math.floor(options.maxStringLength ?? DEFAULT_TRACE_MAX_STRING));
    mkdirSync(dirname(path), { recursive: true });
    this.stream = createWriteStream(path, { flags: "a", encoding: "utf8" });
    this.stream.on("error", (error) => {
      this.writeError ??= error;
    });
  }

  record(entry: TraceRecord): void {
    if (this.closed || this.writeError) return;
    const line = `${this.serialise(entry)}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.leftOut.size === 0 && this.written + bytes <= this.maxBytes - MARKER_RESERVE_BYTES) {
      this.write(line, bytes);
      return;
    }
    if (this.leftOut.size === 0) {
      this.write(
        `${JSON.stringify(
          event("trace-cap", {
            message: `the trace reached its cap of ${this.maxBytes} bytes: later records are left out and counted at the end`,
            maxBytes: this.maxBytes,
          }),
        )}\n`,
      );
    }
    const kind = entry.kind === "model-call" ? `model-call ${entry.agent}` : entry.kind;
    const counts = this.leftOut.get(kind) ?? { records: 0, bytes: 0 };
    counts.records += 1;
    counts.bytes += bytes;
    // Agent names come from the roster, but keep the summary small whatever they are.
    if (this.leftOut.has(kind) || this.leftOut.size < 32) this.leftOut.set(kind, counts);
  }

  /**
   * Appends the summary of what the cap left out (if anything), flushes and closes the file. Idempotent.
   * @throws Error when a write failed (disk full, permission), with the underlying error
   */
  close(): Promise<void> {
    if (!this.closed && !this.writeError && this.leftOut.size > 0) {
      const leftOut = Object.fromEntries(this.leftOut);
      this.write(`${JSON.stringify(event("trace-cap-summary", { maxBytes: this.maxBytes, leftOut }))}\n`);
    }
    this.closed ??= new Promise<void>((resolve, reject) => {
      this.stream.end(() => (this.writeError ? reject(this.writeError) : resolve()));
    });
    return this.closed;
  }

  private write(line: string, bytes = Buffer.byteLength(line)): void {
    this.written += bytes;
    this.stream.write(line);
  }

  /** One JSON line for `entry`, long strings cut; a `trace-error` event when it cannot be serialised. */
  private serialise(entry: TraceRecord): string {
    const max = this.maxStringLength;
    try {
      return JSON.stringify(entry, (_key, value: unknown) =>
        typeof value === "string" && value.length > max
          ? `${value.slice(0, max)}…[cut: ${value.length - max} more characters]`
          : value,
      );
    } catch (error) {
      return JSON.stringify(
        event("trace-error", { message: `unserialisable ${entry.kind} record: ${String(error).slice(0, 500)}` }),
      );
    }
  }
}

function event(type: string, fields: Record<string, unknown>): TraceRecord {
  return { kind: "event", at: new Date().toISOString(), event: { type, ...fields } };
}
