import type { LlamaEmbeddingContext, LlamaModel } from "node-llama-cpp";
import { ModelError } from "../core/errors.js";
import { ContextOverflowError } from "./context-overflow-error.js";

/**
 * Embeddings with a loaded model's base weights: a dedicated node-llama-cpp embedding context, created on first use
 * (it costs its own KV cache, so it is not made for servers that never embed) and released by {@link dispose}.
 * Texts are embedded one after another.
 */
export class LlamaEmbedder {
  private context: Promise<LlamaEmbeddingContext> | undefined;

  /**
   * @param options.contextSize  tokens one text may have
   * @param options.threads  evaluation threads
   */
  constructor(
    private readonly model: LlamaModel,
    private readonly options: { contextSize: number; threads: number },
  ) {}

  /**
   * One vector per text, and the tokens read.
   *
   * @throws ContextOverflowError when a text has more than `contextSize` tokens
   * @throws ModelError when the embedding context cannot be created
   */
  async embed(texts: readonly string[]): Promise<{ vectors: number[][]; promptTokens: number }> {
    const counts = texts.map((text) => this.model.tokenize(text).length);
    const longest = Math.max(0, ...counts);
    if (longest > this.options.contextSize) {
      throw new ContextOverflowError("embedding", {
        promptTokens: longest,
        maxTokens: 0,
        contextSize: this.options.contextSize,
      });
    }
    const context = await this.open();
    const vectors: number[][] = [];
    for (const text of texts) vectors.push([...(await context.getEmbeddingFor(text)).vector]);
    return { vectors, promptTokens: counts.reduce((sum, count) => sum + count, 0) };
  }

  /** Releases the embedding context, if one was made. Idempotent. */
  async dispose(): Promise<void> {
    const context = await this.context?.catch(() => undefined);
    this.context = undefined;
    await context?.dispose();
  }

  private open(): Promise<LlamaEmbeddingContext> {
    this.context ??= this.model
      .createEmbeddingContext({ contextSize: this.options.contextSize, threads: this.options.threads })
      .catch((error: unknown) => {
        this.context = undefined;
        throw new ModelError(`Could not create an embedding context: ${String(error)}`, { cause: error });
      });
    return this.context;
  }
}
