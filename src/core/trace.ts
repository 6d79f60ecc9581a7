/**
 * A trace records every model call and every tool call of a run, one JSON object per line (`trace.jsonl`).
 * Traces of accepted fixes are the training data for per-agent LoRA adapters.
 */
export type TraceRecord =
  | {
      kind: "model-call";
      agent: string;
      /** ISO-8601 time the call started. */
      at: string;
      messages: { role: string; content: string }[];
      /** Name of the output schema the grammar was built from. */
      schema: string;
      /** Raw text the model produced. */
      output: string;
      /** Parsed value, when parsing succeeded. */
      parsed?: unknown;
      error?: string;
      promptTokens: number;
      completionTokens: number;
      durationMs: number;
      /** Backend-specific facts (adapter, cache hits, memory). */
      meta?: Record<string, unknown>;
    }
  | {
      kind: "tool-call";
      tool: "sandbox.exec" | "git" | "edit" | "repo-map" | "detect" | "mcp";
      at: string;
      input: unknown;
      output: unknown;
      exitCode?: number;
      durationMs: number;
    }
  | { kind: "event"; at: string; event: unknown };

/** Sink for trace records. Implementations append to a file or keep records in memory. */
export interface TraceSink {
  record(entry: TraceRecord): void;
  /** Flush buffered records. */
  close(): Promise<void>;
}
