import { LlamaCompletion, type LlamaContextSequence } from "node-llama-cpp";
import { ContextOverflowError } from "./context-overflow-error.js";

/** A raw text completion (no chat template), as `tanuki serve`'s `/v1/completions` needs it. */
export interface TextCompletionRequest {
  /** Roster id: selects the adapter. */
  agent: string;
  /** The text to continue. */
  prompt: string;
  /** Text the completion must lead into (fill-in-the-middle); only for models with infill tokens. */
  suffix?: string;
  /** Answer cap, tokens. */
  maxTokens: number;
  /** Default 0 (greedy). */
  temperature?: number;
  topP?: number;
  seed?: number;
  /** Stop strings (not included in the text). */
  stop?: string[];
  onTextChunk?: (text: string) => void;
  signal?: AbortSignal;
}

/** What a completion produced: the text, why it stopped, generated tokens. */
export interface CompletionRun {
  text: string;
  finishReason: "stop" | "length";
  /** Tokens generated. */
  completionTokens: number;
  /** True when the generation stopped because `signal` aborted. */
  aborted: boolean;
}

/**
 * Tokens of a completion's prompt and suffix, counted with `countTokens` (the model's tokenizer).
 *
 * @throws ContextOverflowError when they plus `request.maxTokens` do not fit `contextSize`
 */
export function completionPromptTokens(
  request: Pick<TextCompletionRequest, "prompt" | "suffix" | "maxTokens">,
  countTokens: (text: string) => number,
  contextSize: number,
): number {
  const promptTokens = countTokens(request.prompt) + (request.suffix ? countTokens(request.suffix) : 0);
  if (promptTokens + request.maxTokens > contextSize) {
    throw new ContextOverflowError("completion", { promptTokens, maxTokens: request.maxTokens, contextSize });
  }
  return promptTokens;
}

/**
 * Continues `request.prompt` on a leased sequence with node-llama-cpp's `LlamaCompletion` (infill with the model's
 * fill-in-the-middle tokens when `request.suffix` is given). The sequence is left to its owner (not disposed).
 *
 * @throws whatever node-llama-cpp throws (the caller wraps it)
 */
export async function runTextCompletion(
  sequence: LlamaContextSequence,
  request: TextCompletionRequest,
): Promise<CompletionRun> {
  const completion = new LlamaCompletion({ contextSequence: sequence, autoDisposeSequence: false });
  const before = sequence.tokenMeter.getState();
  try {
    const options = {
      maxTokens: request.maxTokens,
      temperature: request.temperature ?? 0,
      topP: request.topP,
      seed: request.seed,
      customStopTriggers: request.stop,
      onTextChunk: request.onTextChunk,
      signal: request.signal,
      stopOnAbortSignal: true,
    };
    const result =
      request.suffix !== undefined
        ? await completion.generateInfillCompletionWithMeta(request.prompt, request.suffix, options)
        : await completion.generateCompletionWithMeta(request.prompt, options);
    return {
      text: result.response,
      finishReason: result.metadata.stopReason === "maxTokens" ? "length" : "stop",
      completionTokens: sequence.tokenMeter.diff(before).usedOutputTokens,
      aborted: result.metadata.stopReason === "abort",
    };
  } finally {
    completion.dispose({ disposeSequence: false });
  }
}
