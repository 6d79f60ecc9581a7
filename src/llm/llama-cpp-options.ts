import type { AgentAdapter } from "./adapter-contexts.js";
import type { ChatMessage } from "./chat-model.js";
import type { MemoryBudget } from "./lru-budget.js";
import type { JsonSchemaNode } from "./zod-to-gbnf.js";

/** Log sink for llama.cpp messages. */
export type LlamaCppLogger = (level: "debug" | "info" | "warn" | "error", message: string) => void;

/** Options of {@link LlamaCppModel.load}. */
export interface LlamaCppModelOptions {
  /** Local GGUF file (see `resolveModel`). */
  modelPath: string;
  /** CPU threads for evaluation. Default: `chooseThreads({ availableCpus: availableCpuCount(), modelSizeBytes })`. */
  threads?: number;
  /**
   * Context size per sequence, tokens: prompt + answer must fit. Default: the model's training context, capped at
   * 8192 (KV-cache memory grows with it). Every adapter set's context has this size.
   */
  contextSize?: number;
  /**
   * Parallel sequences per context (one context per adapter set). Calls beyond this number for the same adapter
   * set wait their turn (FIFO). Each sequence costs its own KV cache (`contextSize` tokens). Default 1.
   */
  sequences?: number;
  /**
   * LoRA adapter per agent id (roster id, e.g. `tanuki-coder`); agents not listed run on the base model. Each
   * adapter is checked against the base model's GGUF header when loading (architecture, tensor shapes).
   * Default: none.
   */
  adapters?: Readonly<Record<string, AgentAdapter>>;
  /**
   * Memory the adapter contexts may take, bytes (estimated from the GGUF: KV cache, compute buffers, adapter
   * files). Over budget, the least recently used idle contexts are released. Default: half the free RAM and 80 %
   * of the free VRAM when the model is loaded (see `defaultMemoryBudget`).
   */
  memoryBudget?: MemoryBudget;
  /**
   * Compute backend: `"auto"` (CUDA/Vulkan/Metal when a prebuilt binary works, else CPU), a named GPU type, or
   * `false` (CPU only). Never builds llama.cpp from source or downloads binaries. Default `"auto"`.
   */
  gpu?: "auto" | false | "cuda" | "vulkan" | "metal";
  /** Model loading progress, a fraction 0..1. */
  onProgress?: (progress: { loadedFraction: number }) => void;
  /** Receives llama.cpp's warnings and errors. Default: dropped (loading errors still throw). */
  logger?: LlamaCppLogger;
  /** Name for reports. Default: the file name. */
  name?: string;
}

/** A free-text (or JSON-schema constrained) generation, as `tanuki serve` needs it. */
export interface TextGenerationRequest {
  /** Roster id: selects the adapter. */
  agent: string;
  messages: ChatMessage[];
  /** Default {@link DEFAULT_MAX_TOKENS}. */
  maxTokens?: number;
  /** Default 0 (greedy). */
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Constrain the answer to this JSON Schema (grammar). */
  jsonSchema?: { name: string; schema: JsonSchemaNode };
  /** Extra stop strings (not included in the text). */
  stop?: string[];
  /** Receives the text as it is generated. */
  onTextChunk?: (text: string) => void;
  signal?: AbortSignal;
}

/** Result of {@link LlamaCppModel.generateText}. */
export interface TextGenerationResult {
  text: string;
  /** `length` when `maxTokens` cut the answer. */
  finishReason: "stop" | "length";
  usage: { promptTokens: number; completionTokens: number };
  durationMs: number;
  meta: Record<string, unknown>;
}
