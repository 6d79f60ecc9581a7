import { basename } from "node:path";
import {
  type ChatWrapper,
  type GbnfJsonSchema,
  getLlama,
  type Llama,
  LlamaChat,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  LlamaLogLevel,
  type LlamaModel,
  resolveChatWrapper,
} from "node-llama-cpp";
import type { z } from "zod";
import { CancelledError, ModelError } from "../core/errors.js";
import { toChatHistory } from "./chat-history.js";
import type { ChatModel, StructuredAnswer, StructuredCall } from "./chat-model.js";
import { parseStructured } from "./parse-structured.js";
import { assertGgufFile } from "./resolve-model.js";
import { SequencePool } from "./sequence-pool.js";
import { StructuredOutputError } from "./structured-output-error.js";
import { availableCpuCount, chooseThreads } from "./threads.js";
import { type GbnfSchemaPair, type JsonSchemaNode, zodToGbnfSchema } from "./zod-to-gbnf.js";

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
   * 8192 (KV-cache memory grows with it).
   */
  contextSize?: number;
  /**
   * Parallel sequences in the one context. Calls beyond this number wait their turn (FIFO). Each sequence costs
   * its own KV cache (`contextSize` tokens). Default 1: calls are serialised.
   */
  sequences?: number;
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

/** Default `maxTokens` of a structured call, tokens. */
export const DEFAULT_MAX_TOKENS = 1024;
const DEFAULT_CONTEXT_CAP = 8192;
const GRAMMAR_CACHE_LIMIT = 64;

interface SchemaGrammar {
  grammar: LlamaGrammar;
  jsonSchema: JsonSchemaNode;
}

/**
 * `ChatModel` over node-llama-cpp: one loaded model and one context whose sequences are reused by every agent and
 * call (a new `LlamaChat` per call is cheap; it reuses whatever prompt prefix the sequence already holds).
 * Structured answers are generated under a JSON-schema grammar built from the zod schema, then validated by zod.
 */
export class LlamaCppModel implements ChatModel {
  readonly name: string;
  /** Threads used for evaluation. */
  readonly threads: number;
  /** Context size of each sequence, tokens. */
  readonly contextSize: number;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private readonly conversions = new WeakMap<z.ZodType, GbnfSchemaPair>();
  private readonly pool: SequencePool<LlamaContextSequence>;
  private disposal: Promise<void> | undefined;

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly chatWrapper: ChatWrapper,
    options: { name: string; threads: number },
  ) {
    this.name = options.name;
    this.threads = options.threads;
    this.contextSize = context.contextSize;
    const sequences = Array.from({ length: context.totalSequences }, () => context.getSequence());
    this.pool = new SequencePool(sequences);
  }

  /** Token count of `text` with the model's own tokenizer (special tokens not parsed). */
  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  /**
   * Loads the model and creates its context.
   *
   * @throws ModelError when the file is not a GGUF model, no llama.cpp binary works, or loading fails
   */
  static async load(options: LlamaCppModelOptions): Promise<LlamaCppModel> {
    await assertGgufFile(options.modelPath);
    const sequences = Math.max(1, Math.floor(options.sequences ?? 1));
    const logger = options.logger;
    let llama: Llama | undefined;
    try {
      llama = await getLlama({
        gpu: options.gpu ?? "auto",
        build: "never",
        skipDownload: true,
        progressLogs: false,
        logLevel: logger ? LlamaLogLevel.warn : LlamaLogLevel.disabled,
        logger: logger ? (level, message) => logger(toLevel(level), message.trim()) : undefined,
      });
      const model = await llama.loadModel({
        modelPath: options.modelPath,
        onLoadProgress: options.onProgress ? (loadedFraction) => options.onProgress?.({ loadedFraction }) : undefined,
      });
      const threads =
        options.threads ?? chooseThreads({ availableCpus: availableCpuCount(), modelSizeBytes: model.size });
      llama.maxThreads = threads;
      const contextSize = options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT_CAP);
      const context = await model.createContext({ contextSize, sequences, threads });
      const chatWrapper = resolveChatWrapper(model);
      return new LlamaCppModel(llama, model, context, chatWrapper, {
        name: options.name ?? basename(options.modelPath),
        threads,
      });
    } catch (error) {
      await llama?.dispose().catch(() => undefined);
      throw new ModelError(`Could not load the model ${options.modelPath}: ${messageOf(error)}`, { cause: error });
    }
  }

  /**
   * Generates a JSON answer under the schema's grammar and validates it.
   *
   * `usage.promptTokens` is the whole prompt (as the chat template renders it); `meta.evaluatedPromptTokens` is
   * the part actually evaluated (the rest was reused from the sequence's cache). `completionTokens` counts
   * generated tokens. Sampling: `temperature` default 0 (greedy), no repeat penalty (JSON repeats keys and
   * punctuation by nature). `meta.waitedMs` is the time spent waiting for a free sequence.
   *
   * @throws ModelError when the schema has constructs a grammar cannot express, the prompt plus `maxTokens` does
   *   not fit the context, generation fails, or the model is disposed
   * @throws StructuredOutputError (a ModelError keeping `raw`) when generation hit `maxTokens` before the JSON
   *   was complete, or the answer does not validate
   * @throws CancelledError when `call.signal` aborts (also while waiting for a free sequence)
   */
  async completeStructured<T>(call: StructuredCall<T>): Promise<StructuredAnswer<T>> {
    const started = performance.now();
    const { signal } = call;
    if (signal?.aborted) throw new CancelledError("model call cancelled", { cause: signal.reason });
    this.assertOpen();
    const maxTokens = call.maxTokens ?? DEFAULT_MAX_TOKENS;
    const history = toChatHistory(call.messages);
    const { grammar, jsonSchema } = await this.grammarFor(call.schema, call.schemaName);
    const promptTokens = this.chatWrapper
      .generateContextState({ chatHistory: history })
      .contextText.tokenize(this.model.tokenizer).length;
    if (promptTokens + maxTokens > this.contextSize) {
      throw new ModelError(
        `${call.schemaName}: the prompt (${promptTokens} tokens) plus maxTokens (${maxTokens}) does not fit the ` +
          `context of ${this.contextSize} tokens; shorten the prompt or load the model with a larger contextSize`,
      );
    }

    const queuedAt = performance.now();
    const sequence = await this.pool.acquire(signal);
    const waitedMs = performance.now() - queuedAt;
    const before = sequence.tokenMeter.getState();
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper: this.chatWrapper });
    let response: Awaited<ReturnType<LlamaChat["generateResponse"]>>;
    let used: { usedInputTokens: number; usedOutputTokens: number };
    try {
      response = await chat.generateResponse(history, {
        grammar,
        maxTokens,
        temperature: call.temperature ?? 0,
        seed: call.seed,
        repeatPenalty: false,
        signal,
      });
    } catch (error) {
      if (signal?.aborted) throw new CancelledError("model call cancelled", { cause: error });
      if (this.disposal !== undefined) throw new ModelError("The model was disposed during the call", { cause: error });
      throw new ModelError(`${call.schemaName}: generation failed: ${messageOf(error)}`, { cause: error });
    } finally {
      used = sequence.tokenMeter.diff(before);
      chat.dispose();
      this.pool.release(sequence);
    }

    const raw = response.response;
    const stopReason = response.metadata.stopReason;
    if (stopReason === "abort") throw new CancelledError("model call cancelled", { cause: signal?.reason });
    if (stopReason === "maxTokens") {
      throw new StructuredOutputError(
        `${call.schemaName}: the answer was cut off at maxTokens=${maxTokens} before the JSON was complete; ` +
          "raise maxTokens or bound the schema's strings and arrays with .max()",
        { raw, schemaName: call.schemaName, failure: "max-tokens" },
      );
    }
    const value = parseStructured(raw, call.schema, call.schemaName, jsonSchema);
    return {
      value,
      raw,
      usage: { promptTokens, completionTokens: used.usedOutputTokens },
      durationMs: performance.now() - started,
      meta: {
        backend: "node-llama-cpp",
        agent: call.agent,
        schemaName: call.schemaName,
        threads: this.threads,
        contextSize: this.contextSize,
        sequences: this.context.totalSequences,
        gpu: this.llama.gpu,
        chatWrapper: this.chatWrapper.wrapperName,
        evaluatedPromptTokens: used.usedInputTokens,
        stopReason,
        waitedMs,
      },
    };
  }

  /** Releases the context, the model and the llama.cpp backend; pending calls fail with ModelError. Idempotent. */
  dispose(): Promise<void> {
    this.disposal ??= (async () => {
      this.pool.close();
      this.grammars.clear();
      await this.context.dispose();
      await this.model.dispose();
      await this.llama.dispose();
    })();
    return this.disposal;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private assertOpen(): void {
    if (this.disposal !== undefined) throw new ModelError("The model has been disposed");
  }

  /**
   * Grammar for a schema. Grammars are cached by the converted JSON schema, so one schema name reused with a
   * different shape never gets a stale grammar, and schemas rebuilt per call still hit the cache; conversions
   * are cached per zod schema object.
   */
  private async grammarFor(schema: z.ZodType, schemaName: string): Promise<SchemaGrammar> {
    let pair = this.conversions.get(schema);
    if (pair === undefined) {
      pair = zodToGbnfSchema(schema, schemaName);
      this.conversions.set(schema, pair);
    }
    const key = JSON.stringify(pair.gbnf);
    let pending = this.grammars.get(key);
    if (pending === undefined) {
      pending = this.llama.createGrammarForJsonSchema<GbnfJsonSchema>(pair.gbnf);
      pending.catch(() => this.grammars.delete(key));
      this.grammars.set(key, pending);
      if (this.grammars.size > GRAMMAR_CACHE_LIMIT) {
        const oldest = this.grammars.keys().next().value;
        if (oldest !== undefined) this.grammars.delete(oldest);
      }
    }
    try {
      return { grammar: await pending, jsonSchema: pair.jsonSchema };
    } catch (error) {
      throw new ModelError(`${schemaName}: could not build a grammar: ${messageOf(error)}`, { cause: error });
    }
  }
}

function toLevel(level: LlamaLogLevel): "debug" | "info" | "warn" | "error" {
  switch (level) {
    case LlamaLogLevel.fatal:
    case LlamaLogLevel.error:
      return "error";
    case LlamaLogLevel.warn:
      return "warn";
    case LlamaLogLevel.info:
    case LlamaLogLevel.log:
      return "info";
    default:
      return "debug";
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
