import type { AgentAdapter } from "../llm/adapter-contexts.js";
import type { TextGenerationRequest, TextGenerationResult } from "../llm/llama-cpp-model.js";

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
  /** The adapter a served model id (agent) applies, for `/v1/models`. */
  adapterFor?(agent: string): AgentAdapter | undefined;
}
