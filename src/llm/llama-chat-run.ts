import {
  type ChatHistoryItem,
  type ChatModelFunctions,
  type ChatWrapper,
  LlamaChat,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
} from "node-llama-cpp";
import { CancelledError, ModelError } from "../core/errors.js";
import type { ContextLease } from "./adapter-contexts.js";
import { answerByteCap } from "./answer-cap.js";
import { ContextOverflowError } from "./context-overflow-error.js";
import { messageOf } from "./error-message.js";
import { forcingFunctionCall } from "./function-calling.js";
import { TextByteCap } from "./text-byte-cap.js";

/** Default `maxTokens` of a structured call, tokens. */
export const DEFAULT_MAX_TOKENS = 1024;

/** One chat generation: sampling, the answer's grammar or functions, streaming and cancellation. */
export interface ChatRunOptions {
  /** Names the call in errors (the schema name, `text` or `tools`). */
  label: string;
  grammar?: LlamaGrammar;
  /** Answer cap, tokens; the answer text is also capped at `answerByteCap(maxTokens)` bytes. */
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

/** What a chat generation produced. */
export interface ChatRunResult {
  text: string;
  /** node-llama-cpp's stop reason, or `byteCap` when the text passed {@link answerByteCap} and was cut there. */
  stopReason: string;
  functionCalls: { name: string; params: unknown }[];
  /** Tokens of the whole rendered prompt. */
  promptTokens: number;
  /** Tokens generated. */
  completionTokens: number;
  /** Trace meta: the host's description, the adapter cache's facts, prompt-cache reuse, memory. */
  meta: Record<string, unknown>;
}

/** What a chat generation needs of the loaded model (`LlamaCppModel` provides it). */
export interface ChatRunHost {
  readonly model: LlamaModel;
  readonly chatWrapper: ChatWrapper;
  /** Context size of each sequence, tokens. */
  readonly contextSize: number;
  /** See `LlamaCppModelOptions.answerBytesPerToken`. */
  readonly answerBytesPerToken: number;
  /** True once the model is being disposed. */
  isDisposed(): boolean;
  /**
   * A sequence of the agent's adapter context, waiting for a free one.
   * @throws ModelError, CancelledError
   */
  lease(agent: string, signal: AbortSignal | undefined): Promise<ContextLease<LlamaContextSequence>>;
  /** Trace meta describing the model and the agent's adapter (backend, threads, context, adapter). */
  describe(agent: string): Record<string, unknown>;
  /** The adapter cache's counters and memory estimate. */
  memoryReport(): Record<string, unknown>;
}

/**
 * Tokens of the prompt as the model's chat template renders `history` (with the functions documented), counted with
 * the model's tokenizer.
 */
export function renderedPromptTokens(
  host: Pick<ChatRunHost, "model" | "chatWrapper">,
  history: ChatHistoryItem[],
  functions?: ChatModelFunctions,
): number {
  return host.chatWrapper
    .generateContextState({ chatHistory: history, availableFunctions: functions, documentFunctionParams: true })
    .contextText.tokenize(host.model.tokenizer).length;
}

/**
 * One generation with node-llama-cpp's `LlamaChat` on a leased sequence of the agent's adapter context. The text
 * stops at `maxTokens` or at the byte cap, whichever comes first (`stopReason` `maxTokens` or `byteCap`).
 *
 * @throws ContextOverflowError (a ModelError) when the prompt plus `maxTokens` does not fit the context
 * @throws ModelError when generation fails or the model is disposed during the call
 * @throws CancelledError when `options.signal` aborts (also while waiting for a free sequence)
 */
export async function runChat(
  host: ChatRunHost,
  agent: string,
  history: ChatHistoryItem[],
  options: ChatRunOptions,
): Promise<ChatRunResult> {
  const promptTokens = renderedPromptTokens(host, history, options.functions);
  if (promptTokens + options.maxTokens > host.contextSize) {
    throw new ContextOverflowError(options.label, {
      promptTokens,
      maxTokens: options.maxTokens,
      contextSize: host.contextSize,
    });
  }
  const lease = await host.lease(agent, options.signal);
  const { sequence, facts } = lease;
  const before = sequence.tokenMeter.getState();
  const chatWrapper = options.forceFunctionCall ? forcingFunctionCall(host.chatWrapper) : host.chatWrapper;
  const chat = new LlamaChat({ contextSequence: sequence, chatWrapper });
  let response: Awaited<ReturnType<LlamaChat["generateResponse"]>>;
  let used: { usedInputTokens: number; usedOutputTokens: number };
  const { signal } = options;
  // Text past the byte cap stops generation like an abort, and the answer keeps what came before the cap.
  const cap = new TextByteCap(answerByteCap(options.maxTokens, host.answerBytesPerToken), options.onTextChunk);
  try {
    const common = {
      maxTokens: options.maxTokens,
      temperature: options.temperature,
      topP: options.topP,
      seed: options.seed,
      repeatPenalty: repeatPenalty(options),
      customStopTriggers: options.stop,
      onTextChunk: cap.push,
      signal: signal ? AbortSignal.any([signal, cap.signal]) : cap.signal,
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
    if (host.isDisposed()) throw new ModelError("The model was disposed during the call", { cause: error });
    throw new ModelError(`${options.label}: generation failed: ${messageOf(error)}`, { cause: error });
  } finally {
    used = sequence.tokenMeter.diff(before);
    chat.dispose();
    lease.release();
  }
  if (signal?.aborted) throw new CancelledError("model call cancelled", { cause: signal.reason });
  const stopReason = cap.reached ? "byteCap" : response.metadata.stopReason;
  if (stopReason === "abort") throw new CancelledError("model call cancelled", { cause: signal?.reason });
  return {
    text: cap.cut(response.response),
    stopReason,
    functionCalls: (response.functionCalls ?? []).map((call) => ({ name: call.functionName, params: call.params })),
    promptTokens,
    completionTokens: used.usedOutputTokens,
    meta: {
      ...host.describe(agent),
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
      memory: host.memoryReport(),
    },
  };
}

/** No repeat penalty unless asked: JSON repeats keys and punctuation by nature. */
function repeatPenalty(options: Pick<ChatRunOptions, "frequencyPenalty" | "presencePenalty">) {
  if (!options.frequencyPenalty && !options.presencePenalty) return false as const;
  return { frequencyPenalty: options.frequencyPenalty, presencePenalty: options.presencePenalty };
}
