import { basename } from "node:path";
import type { ChatWrapper, Llama, LlamaContext, LlamaContextSequence, LlamaModel } from "node-llama-cpp";
import { CancelledError, ModelError } from "../core/errors.js";
import type { AdapterContexts, AgentAdapter, ContextLease } from "./adapter-contexts.js";
import { MAX_ANSWER_BYTES_PER_TOKEN } from "./answer-cap.js";
import { toChatHistory } from "./chat-history.js";
import type { ChatModel, StructuredAnswer, StructuredCall } from "./chat-model.js";
import { cutOffAnswerError } from "./cut-off-answer.js";
import { messageOf } from "./error-message.js";
import { GrammarCache } from "./grammar-cache.js";
import { type ChatRunHost, DEFAULT_MAX_TOKENS, runChat } from "./llama-chat-run.js";
import type { LlamaCppModelOptions, TextGenerationRequest, TextGenerationResult } from "./llama-cpp-options.js";
import { LlamaEmbedder } from "./llama-embedder.js";
import { loadLlama } from "./llama-load.js";
import { completionPromptTokens, runTextCompletion, type TextCompletionRequest } from "./llama-text-completion.js";
import { textRunOptions, toTextGenerationResult } from "./llama-text-generation.js";
import { parseStructured } from "./parse-structured.js";

export type { AgentAdapter } from "./adapter-contexts.js";
export { DEFAULT_MAX_TOKENS } from "./llama-chat-run.js";
export type {
  GeneratedToolCall,
  GenerationMessage,
  GenerationTool,
  LlamaCppLogger,
  LlamaCppModelOptions,
  TextGenerationRequest,
  TextGenerationResult,
} from "./llama-cpp-options.js";
export type { TextCompletionRequest } from "./llama-text-completion.js";

/**
 * `ChatModel` over node-llama-cpp: one loaded model, one context per LoRA adapter set (agents without an adapter
 * share the base context), all sharing the weights. Switching agents picks another context; each context's
 * sequences keep their evaluated prompt prefix, so an agent's next call on the same briefing only evaluates what
 * changed. Structured answers are generated under a JSON-schema grammar built from the zod schema, then validated
 * by zod. The trace meta of each call reports the adapter, whether it was loaded or switched to, the switch time,
 * prompt-cache reuse and the memory estimate against the budget.
 */
export class LlamaCppModel implements ChatModel {
  readonly name: string;
  /** Threads used for evaluation. */
  readonly threads: number;
  /** Context size of each sequence, tokens. */
  readonly contextSize: number;
  /** Parallel sequences per context. */
  readonly sequences: number;
  /** See {@link LlamaCppModelOptions.answerBytesPerToken}. */
  private readonly answerBytesPerToken: number;
  private readonly grammars: GrammarCache;
  /** What generations see of this model (see {@link runChat}). */
  private readonly host: ChatRunHost;
  private disposal: Promise<void> | undefined;
  private embedder: LlamaEmbedder | undefined;

  private constructor(
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly contexts: AdapterContexts<LlamaContextSequence, LlamaContext>,
    private readonly chatWrapper: ChatWrapper,
    private readonly adapters: Readonly<Record<string, AgentAdapter>>,
    options: { name: string; threads: number; contextSize: number; sequences: number; answerBytesPerToken?: number },
  ) {
    this.name = options.name;
    this.answerBytesPerToken = options.answerBytesPerToken ?? MAX_ANSWER_BYTES_PER_TOKEN;
    this.threads = options.threads;
    this.contextSize = options.contextSize;
    this.sequences = options.sequences;
    this.grammars = new GrammarCache(llama);
    this.host = this.chatRunHost();
  }

  /** Token count of `text` with the model's own tokenizer (special tokens not parsed). */
  countTokens(text: string): number {
    return this.model.tokenize(text).length;
  }

  /** The adapter an agent's calls run with, or undefined (base model). */
  adapterFor(agent: string): AgentAdapter | undefined {
    return this.adapters[agent];
  }

  /** Adapter-cache counters and memory estimate (see `AdapterCacheStats`), plus the process's RSS, bytes. */
  memoryReport(): Record<string, unknown> {
    const stats = this.contexts.stats();
    return {
      contexts: stats.contexts,
      adapterLoads: stats.loads,
      cacheHits: stats.hits,
      switches: stats.switches,
      evictions: stats.evictions,
      adapterReleases: stats.adapterReleases,
      estimatedRamBytes: stats.used.ramBytes,
      estimatedVramBytes: stats.used.vramBytes,
      budgetRamBytes: stats.budget.ramBytes ?? null,
      budgetVramBytes: stats.budget.vramBytes ?? null,
      rssBytes: process.memoryUsage.rss(),
    };
  }

  /**
   * Loads the model, checks the adapters against it and creates the base context.
   *
   * @throws AdapterMismatchError (a ModelError) when an adapter does not fit the base model
   * @throws ModelError when the file is not a GGUF model, no llama.cpp binary works, or loading fails
   */
  static async load(options: LlamaCppModelOptions): Promise<LlamaCppModel> {
    const loaded = await loadLlama(options);
    return new LlamaCppModel(loaded.llama, loaded.model, loaded.contexts, loaded.chatWrapper, options.adapters ?? {}, {
      name: options.name ?? basename(options.modelPath),
      threads: loaded.threads,
      contextSize: loaded.contextSize,
      sequences: loaded.sequences,
      answerBytesPerToken: options.answerBytesPerToken,
    });
  }

  /**
   * Generates a JSON answer under the schema's grammar, with the agent's adapter, and validates it.
   *
   * `usage.promptTokens` is the whole prompt (as the chat template renders it); `meta.evaluatedPromptTokens` is
   * the part actually evaluated (`meta.reusedPromptTokens` came from the context's cache). `completionTokens`
   * counts generated tokens. Sampling: `temperature` default 0 (greedy), no repeat penalty (JSON repeats keys and
   * punctuation by nature). `meta.queued` says the call waited for a free sequence, `meta.waitedMs` for how long;
   * `meta.adapter`, `adapterLoaded`, `switched`, `switchMs`, `evicted`, `memory` describe the adapter cache.
   *
   * @throws ModelError when the schema has constructs a grammar cannot express, the prompt plus `maxTokens` does
   *   not fit the context, generation fails, or the model is disposed
   * @throws StructuredOutputError (a ModelError keeping `raw`) when generation hit `maxTokens` before the JSON
   *   was complete, or the answer does not validate
   * @throws CancelledError when `call.signal` aborts (also while waiting for a free sequence)
   */
  async completeStructured<T>(call: StructuredCall<T>): Promise<StructuredAnswer<T>> {
    const started = performance.now();
    this.assertCallable(call.signal);
    const maxTokens = call.maxTokens ?? DEFAULT_MAX_TOKENS;
    const { grammar, jsonSchema } = await this.grammars.forZod(call.schema, call.schemaName);
    const run = await runChat(this.host, call.agent, toChatHistory(call.messages), {
      label: call.schemaName,
      grammar,
      maxTokens,
      temperature: call.temperature ?? 0,
      seed: call.seed,
      signal: call.signal,
    });
    const cutOff = cutOffAnswerError(run, call.schemaName, {
      maxTokens,
      answerBytesPerToken: this.answerBytesPerToken,
    });
    if (cutOff) throw cutOff;
    const value = parseStructured(run.text, call.schema, call.schemaName, jsonSchema);
    return {
      value,
      raw: run.text,
      usage: { promptTokens: run.promptTokens, completionTokens: run.completionTokens },
      durationMs: performance.now() - started,
      meta: { ...run.meta, schemaName: call.schemaName },
    };
  }

  /**
   * Generates free text, JSON under `request.jsonSchema`'s grammar (not validated here: the caller owns the
   * schema), or tool calls through node-llama-cpp's function calling (`request.tools`: the template's call syntax,
   * names and arguments under grammars; `toolMode: "required"` forces a call), streaming text to `onTextChunk` and
   * calls to `onToolCall`. Used by `tanuki serve`.
   *
   * @throws ContextOverflowError (a ModelError) when the prompt plus `maxTokens` does not fit the context
   * @throws ModelError when a schema cannot be expressed as a grammar, the messages end with neither a user message
   *   nor tool results, or generation fails
   * @throws CancelledError when `request.signal` aborts
   */
  async generateText(request: TextGenerationRequest): Promise<TextGenerationResult> {
    const started = performance.now();
    this.assertCallable(request.signal);
    const grammar = request.jsonSchema
      ? (await this.grammars.forJsonSchema(request.jsonSchema.schema, request.jsonSchema.name)).grammar
      : undefined;
    const { options, schemas } = textRunOptions(request, grammar);
    const run = await runChat(this.host, request.agent, toChatHistory(request.messages), options);
    return toTextGenerationResult(run, schemas, performance.now() - started);
  }

  /** True when the model has fill-in-the-middle tokens (a `suffix` in {@link completeText}). */
  get infillSupported(): boolean {
    return this.model.tokens.infill.prefix != null && this.model.tokens.infill.suffix != null;
  }

  /**
   * Continues raw text (no chat template) with the agent's adapter, or fills in the middle when `suffix` is given.
   * Used by `tanuki serve`'s `/v1/completions`.
   *
   * @throws ContextOverflowError when the prompt plus `maxTokens` does not fit the context
   * @throws ModelError when `suffix` is given but the model has no infill tokens, or generation fails
   * @throws CancelledError when `request.signal` aborts
   */
  async completeText(request: TextCompletionRequest): Promise<TextGenerationResult> {
    const started = performance.now();
    this.assertCallable(request.signal);
    if (request.suffix !== undefined && !this.infillSupported) {
      throw new ModelError(`${this.name} has no fill-in-the-middle tokens, so a suffix cannot be used`);
    }
    const promptTokens = completionPromptTokens(request, (text) => this.countTokens(text), this.contextSize);
    const lease = await this.lease(request.agent, request.signal);
    let run: Awaited<ReturnType<typeof runTextCompletion>>;
    try {
      run = await runTextCompletion(lease.sequence, request);
    } catch (error) {
      if (request.signal?.aborted) throw new CancelledError("model call cancelled", { cause: error });
      throw new ModelError(`completion: generation failed: ${messageOf(error)}`, { cause: error });
    } finally {
      lease.release();
    }
    if (run.aborted) throw new CancelledError("model call cancelled", { cause: request.signal?.reason });
    return {
      text: run.text,
      finishReason: run.finishReason,
      usage: { promptTokens, completionTokens: run.completionTokens },
      durationMs: performance.now() - started,
      meta: { backend: "node-llama-cpp", agent: request.agent, infill: request.suffix !== undefined },
    };
  }

  /**
   * Embeddings of `texts` with the base model (no adapter), one vector each (see {@link LlamaEmbedder}). Used by
   * `tanuki serve`'s `/v1/embeddings`.
   *
   * @throws ContextOverflowError when a text has more tokens than the context holds
   * @throws ModelError when the embedding context cannot be created or the model is disposed
   */
  embed(texts: readonly string[]): Promise<{ vectors: number[][]; promptTokens: number }> {
    this.assertCallable(undefined);
    this.embedder ??= new LlamaEmbedder(this.model, { contextSize: this.contextSize, threads: this.threads });
    return this.embedder.embed(texts);
  }

  /** Releases the contexts, the adapters, the model and the llama.cpp backend; pending calls fail. Idempotent. */
  dispose(): Promise<void> {
    this.disposal ??= (async () => {
      this.grammars.clear();
      await this.embedder?.dispose();
      await this.contexts.dispose();
      await this.model.dispose();
      await this.llama.dispose();
    })();
    return this.disposal;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  private assertCallable(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw new CancelledError("model call cancelled", { cause: signal.reason });
    if (this.disposal !== undefined) throw new ModelError("The model has been disposed");
  }

  /** A sequence of the agent's adapter context. */
  private async lease(agent: string, signal: AbortSignal | undefined): Promise<ContextLease<LlamaContextSequence>> {
    const adapter = this.adapters[agent];
    try {
      return await this.contexts.acquire(adapter ? [adapter] : [], signal);
    } catch (error) {
      if (error instanceof ModelError || error instanceof CancelledError) throw error;
      throw new ModelError(`${agent}: could not create the context for its adapter: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  /** The model as generations see it: its template, context, byte cap, leases and trace description. */
  private chatRunHost(): ChatRunHost {
    return {
      model: this.model,
      chatWrapper: this.chatWrapper,
      contextSize: this.contextSize,
      answerBytesPerToken: this.answerBytesPerToken,
      isDisposed: () => this.disposal !== undefined,
      lease: (agent, signal) => this.lease(agent, signal),
      describe: (agent) => {
        const adapter = this.adapters[agent];
        return {
          backend: "node-llama-cpp",
          agent,
          threads: this.threads,
          contextSize: this.contextSize,
          sequences: this.sequences,
          gpu: this.llama.gpu,
          chatWrapper: this.chatWrapper.wrapperName,
          adapter: adapter ? basename(adapter.filePath) : null,
          adapterScale: adapter?.scale ?? null,
        };
      },
      memoryReport: () => this.memoryReport(),
    };
  }
}
