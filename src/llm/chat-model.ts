import type { z } from "zod";

/** One chat message. Untrusted text (issue, files, tool output) goes in `user` messages, delimited as data. */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/**
 * A structured call: the answer must be JSON matching `schema`. Backends constrain generation with a
 * JSON-schema grammar built from the zod schema (node-llama-cpp) or the server's structured-output support
 * (OpenAI-compatible), then validate with zod.
 */
export interface StructuredCall<T> {
  /** Roster id of the calling agent (e.g. `tanuki-coder`): selects the LoRA adapter and sampling settings. */
  agent: string;
  messages: ChatMessage[];
  /** Output schema. Keep strings and arrays bounded (`.max()`): tiny models otherwise ramble until maxTokens. */
  schema: z.ZodType<T>;
  /** Name of the schema, for traces and for servers that want one (e.g. `CoderOutput`). */
  schemaName: string;
  /** Upper bound on generated tokens. Default: backend-specific (node-llama-cpp: 1024). */
  maxTokens?: number;
  /** Sampling temperature; 0 = greedy. Default: the agent's roster setting. */
  temperature?: number;
  /** Sampling seed, for reproducible candidates. */
  seed?: number;
  signal?: AbortSignal;
}

/** A parsed structured answer and what it cost. */
export interface StructuredAnswer<T> {
  value: T;
  /** Raw generated text (the JSON). */
  raw: string;
  usage: { promptTokens: number; completionTokens: number };
  /** Wall time of the call, ms. */
  durationMs: number;
  /** Backend facts worth tracing (adapter used, cache hits, threads). */
  meta?: Record<string, unknown>;
}

/**
 * The ChatModel port. `agents/` and `loop/` use only this; implementations live beside it
 * (`LlamaCppModel`, `OpenAICompatibleModel`) and tests use a scripted one.
 *
 * @throws ModelError when the backend fails or the answer does not parse (the error keeps the raw text);
 *   ContextOverflowError (a ModelError) when a backend that counts tokens finds that the prompt plus `maxTokens`
 *   does not fit the context.
 * @throws CancelledError when `signal` aborts.
 */
export interface ChatModel {
  /** Human-readable model identity for reports, e.g. `qwen2.5-coder-1.5b-instruct-q4_k_m.gguf`. */
  readonly name: string;
  /**
   * Tokens the model's context holds (prompt + answer), when the backend knows it. Agents fit their prompts and
   * answer caps to it; undefined = unknown (no fitting).
   */
  readonly contextSize?: number;
  /** Exact token count of `text` with the model's tokenizer, when the backend can tell; else callers estimate. */
  countTokens?(text: string): number;
  completeStructured<T>(call: StructuredCall<T>): Promise<StructuredAnswer<T>>;
  /** Release the model and its contexts. Idempotent. */
  dispose(): Promise<void>;
}
