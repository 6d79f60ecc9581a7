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
  /**
   * Most UTF-8 bytes of answer text per token of `maxTokens` (see `answerByteCap`): a GGUF's vocabulary is the
   * model author's, and a token may decode to a long string, so generation also stops at this many bytes. Default
   * 64.
   */
  answerBytesPerToken?: number;
}

/** A function the model may call (an OpenAI `tools` entry), its arguments constrained by `parameters`. */
export interface GenerationTool {
  /** 1–64 letters, digits, `_` or `-`. */
  name: string;
  description?: string;
  /** JSON Schema of the arguments (an object schema); absent = no arguments. Must convert to a grammar. */
  parameters?: JsonSchemaNode;
}

/** A tool call the model made earlier in the conversation, with the result the client sent back. */
export interface PastToolCall {
  name: string;
  /** The arguments as JSON text. */
  arguments: string;
  /** The `role: "tool"` answer; undefined when the client sent none. */
  result?: string;
}

/** A chat message, or an assistant turn that called tools (and got their results). */
export type GenerationMessage = ChatMessage | { role: "assistant"; content: string; toolCalls: PastToolCall[] };

/** A tool call generated now: the arguments parsed under the tool's grammar, written as JSON text. */
export interface GeneratedToolCall {
  name: string;
  /** JSON text that parses against the tool's `parameters` (absent optional properties left out). */
  arguments: string;
}

/** A free-text (or JSON-schema constrained) generation, as `tanuki serve` needs it. */
export interface TextGenerationRequest {
  /** Roster id: selects the adapter. */
  agent: string;
  /**
   * The conversation. It ends with a user message, or with an assistant turn whose tool calls carry their
   * results (the model then goes on from the results).
   */
  messages: GenerationMessage[];
  /** Default {@link DEFAULT_MAX_TOKENS}. */
  maxTokens?: number;
  /** Default 0 (greedy). */
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Penalties on repeated tokens (OpenAI's meaning, -2..2). Default none. */
  frequencyPenalty?: number;
  presencePenalty?: number;
  /** Constrain the answer to this JSON Schema (grammar). Not combined with `tools`. */
  jsonSchema?: { name: string; schema: JsonSchemaNode };
  /**
   * Functions the model may call (node-llama-cpp's function calling: the call syntax of the model's chat template,
   * the name and the arguments generated under a grammar). Default none.
   */
  tools?: GenerationTool[];
  /** `auto`: the model answers in text or calls tools; `required`: it must call one of `tools`. Default `auto`. */
  toolMode?: "auto" | "required";
  /** Most tool calls in one answer. Default 1. */
  maxToolCalls?: number;
  /** Receives each tool call as it starts (`index` counts from 0), then once complete with its arguments. */
  onToolCall?: (event: { index: number; name: string; arguments?: string }) => void;
  /** Extra stop strings (not included in the text). */
  stop?: string[];
  /** Receives the text as it is generated. */
  onTextChunk?: (text: string) => void;
  /** Receives progress text that is not the answer (the team model's steps), shown as reasoning by clients. */
  onReasoning?: (text: string) => void;
  signal?: AbortSignal;
}

/** Result of {@link LlamaCppModel.generateText}. */
export interface TextGenerationResult {
  text: string;
  /** `length` when `maxTokens` cut the answer; `tool_calls` when the answer ends with tool calls. */
  finishReason: "stop" | "length" | "tool_calls";
  /** The tool calls the answer made, in order (none unless `tools` were given). */
  toolCalls?: GeneratedToolCall[];
  /** Progress text that is not the answer (the team model's steps), when there is any. */
  reasoning?: string;
  usage: { promptTokens: number; completionTokens: number };
  durationMs: number;
  meta: Record<string, unknown>;
}
