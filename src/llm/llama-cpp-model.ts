import { basename } from "node:path";
import {
  type ChatHistoryItem,
  type ChatModelFunctions,
  type ChatWrapper,
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
import { CancelledError, ModelError } from "../core/errors.js";
import { AdapterContexts, type AgentAdapter, type ContextLease } from "./adapter-contexts.js";
import { answerByteCap, MAX_ANSWER_BYTES_PER_TOKEN, utf8Head } from "./answer-cap.js";
import { toChatHistory } from "./chat-history.js";
import type { ChatModel, StructuredAnswer, StructuredCall } from "./chat-model.js";
import { ContextOverflowError } from "./context-overflow-error.js";
import { forcingFunctionCall, toArgumentsText, toChatModelFunctions, toolCallEvents } from "./function-calling.js";
import { GrammarCache } from "./grammar-cache.js";
import { createLlamaContextFactory, defaultMemoryBudget } from "./llama-context-factory.js";
import type { LlamaCppModelOptions, TextGenerationRequest, TextGenerationResult } from "./llama-cpp-options.js";
import { LlamaEmbedder } from "./llama-embedder.js";
import { toLogLevel } from "./llama-log-level.js";
import { runTextCompletion, type TextCompletionRequest } from "./llama-text-completion.js";
import { assertLoraFitsBase, readBaseModelIdentity } from "./lora-check.js";
import { parseStructured } from "./parse-structured.js";
import { assertGgufFile } from "./resolve-model.js";
import { StructuredOutputError } from "./structured-output-error.js";
import { availableCpuCount, chooseThreads } from "./threads.js";

export type { AgentAdapter } from "./adapter-contexts.js";
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

/** Default `maxTokens` of a structured call, tokens. */
export const DEFAULT_MAX_TOKENS = 1024;
const DEFAULT_CONTEXT_CAP = 8192;

interface RunOptions {
  label: string;
  grammar?: LlamaGrammar;
  maxTokens: number;
  temperature: number;
  topP?: number;
  seed?: number;
  stop?: string[];
  frequencyPenalty?: number;
  presencePenalty?: number;
  onTextChunk?: (text: string) => void;
  signal?: AbortSignal;
  functions?: ChatModelFunctions;
  /** The answer must start with a call of one of `functions`. */
  forceFunctionCall?: boolean;
  maxParallelFunctionCalls?: number;
  onFunctionCallParamsChunk?: (chunk: {
    callIndex: number;
    functionName: string;
    paramsChunk: string;
    done: boolean;
  }) => void;
}

interface RunResult {
  text: string;
  /** node-llama-cpp's stop reason, or `byteCap` when the text passed {@link answerByteCap} and was cut there. */
  stopReason: string;
  functionCalls: { name: string; params: unknown }[];
  promptTokens: number;
  completionTokens: number;
  meta: Record<string, unknown>;
}

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
    await assertGgufFile(options.modelPath);
    const adapters = options.adapters ?? {};
    if (Object.keys(adapters).length > 0) {
      const base = await readBaseModelIdentity(options.modelPath);
      for (const [agent, adapter] of Object.entries(adapters)) await assertLoraFitsBase(adapter.filePath, base, agent);
    }
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
        logger: logger ? (level, message) => logger(toLogLevel(level), message.trim()) : undefined,
      });
      const model = await llama.loadModel({
        modelPath: options.modelPath,
        onLoadProgress: options.onProgress ? (loadedFraction) => options.onProgress?.({ loadedFraction }) : undefined,
      });
      const threads =
        options.threads ?? chooseThreads({ availableCpus: availableCpuCount(), modelSizeBytes: model.size });
      llama.maxThreads = threads;
      const requested = options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT_CAP);
      const budget = options.memoryBudget ?? (await defaultMemoryBudget(llama));
      const factory = createLlamaContextFactory(llama, model, { contextSize: requested, sequences, threads });
      const contexts = new AdapterContexts<LlamaContextSequence, LlamaContext>(factory, budget);
      const lease = await contexts.acquire([]);
      lease.release();
      const contextSize = contexts.peek([])?.contextSize ?? requested;
      return new LlamaCppModel(llama, model, contexts, resolveChatWrapper(model), adapters, {
        name: options.name ?? basename(options.modelPath),
        threads,
        contextSize,
        sequences,
        answerBytesPerToken: options.answerBytesPerToken,
      });
    } catch (error) {
      await llama?.dispose().catch(() => undefined);
      throw new ModelError(`Could not load the model ${options.modelPath}: ${messageOf(error)}`, { cause: error });
    }
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
    const run = await this.run(call.agent, toChatHistory(call.messages), {
      label: call.schemaName,
      grammar,
      maxTokens,
      temperature: call.temperature ?? 0,
      seed: call.seed,
      signal: call.signal,
    });
    if (run.stopReason === "maxTokens") {
      throw new StructuredOutputError(
        `${call.schemaName}: the answer was cut off at maxTokens=${maxTokens} before the JSON was complete; ` +
          "raise maxTokens or bound the schema's strings and arrays with .max()",
        { raw: run.text, schemaName: call.schemaName, failure: "max-tokens" },
      );
    }
    if (run.stopReason === "byteCap") {
      throw new StructuredOutputError(
        `${call.schemaName}: the answer passed ${answerByteCap(maxTokens, this.answerBytesPerToken)} bytes ` +
          `(maxTokens=${maxTokens}) and was cut there before the JSON was complete`,
        { raw: run.text, schemaName: call.schemaName, failure: "max-tokens" },
      );
    }
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
    const label = request.jsonSchema?.name ?? (request.tools?.length ? "tools" : "text");
    const grammar = request.jsonSchema
      ? (await this.grammars.forJsonSchema(request.jsonSchema.schema, request.jsonSchema.name)).grammar
      : undefined;
    const tools = request.tools ?? [];
    const schemas = new Map(tools.map((tool) => [tool.name, tool.parameters]));
    const onToolCall = request.onToolCall;
    const run = await this.run(request.agent, toChatHistory(request.messages), {
      label,
      grammar,
      maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
      temperature: request.temperature ?? 0,
      topP: request.topP,
      seed: request.seed,
      stop: request.stop,
      frequencyPenalty: request.frequencyPenalty,
      presencePenalty: request.presencePenalty,
      onTextChunk: request.onTextChunk,
      signal: request.signal,
      ...(tools.length > 0
        ? {
            functions: toChatModelFunctions(tools),
            forceFunctionCall: request.toolMode === "required",
            maxParallelFunctionCalls: request.maxToolCalls ?? 1,
            onFunctionCallParamsChunk: onToolCall ? toolCallEvents(schemas, onToolCall) : undefined,
          }
        : {}),
    });
    const toolCalls = run.functionCalls.map((call) => ({
      name: call.name,
      arguments: toArgumentsText(JSON.stringify(call.params ?? {}), schemas.get(call.name)),
    }));
    return {
      text: run.text,
      finishReason:
        toolCalls.length > 0
          ? "tool_calls"
          : run.stopReason === "maxTokens" || run.stopReason === "byteCap"
            ? "length"
            : "stop",
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
      usage: { promptTokens: run.promptTokens, completionTokens: run.completionTokens },
      durationMs: performance.now() - started,
      meta: run.meta,
    };
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
    const promptTokens = this.countTokens(request.prompt) + (request.suffix ? this.countTokens(request.suffix) : 0);
    if (promptTokens + request.maxTokens > this.contextSize) {
      throw new ContextOverflowError("completion", {
        promptTokens,
        maxTokens: request.maxTokens,
        contextSize: this.contextSize,
      });
    }
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

  /** One generation on a sequence of the agent's adapter context. */
  private async run(agent: string, history: ChatHistoryItem[], options: RunOptions): Promise<RunResult> {
    const promptTokens = this.promptTokens(history, options.functions);
    if (promptTokens + options.maxTokens > this.contextSize) {
      throw new ContextOverflowError(options.label, {
        promptTokens,
        maxTokens: options.maxTokens,
        contextSize: this.contextSize,
      });
    }
    const adapter = this.adapters[agent];
    const lease = await this.lease(agent, options.signal);
    const { sequence, facts } = lease;
    const before = sequence.tokenMeter.getState();
    const chatWrapper = options.forceFunctionCall ? forcingFunctionCall(this.chatWrapper) : this.chatWrapper;
    const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
    let response: Awaited<ReturnType<LlamaChat["generateResponse"]>>;
    let used: { usedInputTokens: number; usedOutputTokens: number };
    const { signal } = options;
    // Text past the byte cap stops generation like an abort, and the answer keeps what came before the cap.
    const byteCap = answerByteCap(options.maxTokens, this.answerBytesPerToken);
    const capped = new AbortController();
    let textBytes = 0;
    const onTextChunk = (text: string) => {
      if (capped.signal.aborted) return;
      textBytes += Buffer.byteLength(text);
      if (textBytes > byteCap) capped.abort();
      else options.onTextChunk?.(text);
    };
    try {
      const common = {
        maxTokens: options.maxTokens,
        temperature: options.temperature,
        topP: options.topP,
        seed: options.seed,
        repeatPenalty: repeatPenalty(options),
        customStopTriggers: options.stop,
        onTextChunk,
        signal: signal ? AbortSignal.any([signal, capped.signal]) : capped.signal,
        stopOnAbortSignal: true,
      };
      response = options.functions
        ? await chat.generateResponse(history, {
            ...common,
            functions: options.functions,
            documentFunctionParams: true,
            maxParallelFunctionCalls: options.maxParallelFunctionCalls,
            onFunctionCallParamsChunk: options.onFunctionCallParamsChunk,
          })
        : await chat.generateResponse(history, { ...common, grammar: options.grammar });
    } catch (error) {
      if (signal?.aborted) throw new CancelledError("model call cancelled", { cause: error });
      if (this.disposal !== undefined) throw new ModelError("The model was disposed during the call", { cause: error });
      throw new ModelError(`${options.label}: generation failed: ${messageOf(error)}`, { cause: error });
    } finally {
      used = sequence.tokenMeter.diff(before);
      chat.dispose();
      lease.release();
    }
    if (signal?.aborted) throw new CancelledError("model call cancelled", { cause: signal.reason });
    const stopReason = capped.signal.aborted ? "byteCap" : response.metadata.stopReason;
    if (stopReason === "abort") throw new CancelledError("model call cancelled", { cause: signal?.reason });
    return {
      text: capped.signal.aborted ? utf8Head(response.response, byteCap) : response.response,
      stopReason,
      functionCalls: (response.functionCalls ?? []).map((call) => ({ name: call.functionName, params: call.params })),
      promptTokens,
      completionTokens: used.usedOutputTokens,
      meta: {
        backend: "node-llama-cpp",
        agent,
        threads: this.threads,
        contextSize: this.contextSize,
        sequences: this.sequences,
        gpu: this.llama.gpu,
        chatWrapper: this.chatWrapper.wrapperName,
        adapter: adapter ? basename(adapter.filePath) : null,
        adapterScale: adapter?.scale ?? null,
        adapterLoaded: facts.loaded,
        switched: facts.switched,
        switchMs: facts.switchMs,
        evicted: facts.evicted.length,
        withinBudget: facts.withinBudget,
        evaluatedPromptTokens: used.usedInputTokens,
        reusedPromptTokens: Math.max(0, promptTokens - used.usedInputTokens),
        stopReason,
        queued: facts.queued,
        waitedMs: facts.waitedMs,
        memory: this.memoryReport(),
      },
    };
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

  private promptTokens(history: ChatHistoryItem[], functions?: ChatModelFunctions): number {
    return this.chatWrapper
      .generateContextState({ chatHistory: history, availableFunctions: functions, documentFunctionParams: true })
      .contextText.tokenize(this.model.tokenizer).length;
  }
}

/** No repeat penalty unless asked: JSON repeats keys and punctuation by nature. */
function repeatPenalty(options: Pick<RunOptions, "frequencyPenalty" | "presencePenalty">) {
  if (!options.frequencyPenalty && !options.presencePenalty) return false as const;
  return { frequencyPenalty: options.frequencyPenalty, presencePenalty: options.presencePenalty };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
