import type { AgentAdapter } from "../llm/adapter-contexts.js";
import type { TextGenerationRequest, TextGenerationResult } from "../llm/llama-cpp-options.js";
import type { TextCompletionRequest } from "../llm/llama-text-completion.js";

/** What `tanuki serve` needs of a model: `LlamaCppModel` in production, a scripted one in tests. */
export interface ServeGenerator {
  readonly name: string;
  /** Context size, tokens (reported by `/v1/models`). */
  readonly contextSize?: number;
  /**
   * @throws ContextOverflowError when the prompt plus the answer cap does not fit (→ HTTP 400)
   * @throws ModelError for other failures (→ HTTP 500)
   * @throws CancelledError when `request.signal` aborts (the client went away)
   */
  generateText(request: TextGenerationRequest): Promise<TextGenerationResult>;
  /**
   * Raw text completion (no chat template) for `/v1/completions`; absent = the route answers 404 saying so.
   *
   * @throws ContextOverflowError, ModelError, CancelledError as {@link generateText}
   */
  completeText?(request: TextCompletionRequest): Promise<TextGenerationResult>;
  /** True when `completeText` accepts a `suffix` (fill-in-the-middle). */
  readonly infillSupported?: boolean;
  /**
   * Embeddings (one vector per text) for `/v1/embeddings`; absent = the route answers 404 saying so.
   *
   * @throws ContextOverflowError when a text does not fit; ModelError
   */
  embed?(texts: readonly string[]): Promise<{ vectors: number[][]; promptTokens: number }>;
  /** The adapter a served model id (agent) applies, for `/v1/models`. */
  adapterFor?(agent: string): AgentAdapter | undefined;
}
