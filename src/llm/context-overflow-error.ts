import { ModelError } from "../core/errors.js";

/**
 * The prompt plus the answer cap does not fit the model's context. A `ModelError` (code `model`); servers map it
 * to HTTP 400, since the request, not the model, is at fault.
 */
export class ContextOverflowError extends ModelError {
  /** The call that did not fit: a schema name, `text`, `tools`, `completion` or `embedding`. */
  readonly label: string;
  /** Tokens of the rendered prompt. */
  readonly promptTokens: number;
  /** The answer cap asked for, tokens. */
  readonly maxTokens: number;
  /** The context, tokens. */
  readonly contextSize: number;
  constructor(label: string, details: { promptTokens: number; maxTokens: number; contextSize: number }) {
    super(
      `${label}: the prompt (${details.promptTokens} tokens) plus maxTokens (${details.maxTokens}) does not fit ` +
        `the context of ${details.contextSize} tokens; shorten the prompt or load the model with a larger contextSize`,
    );
    this.label = label;
    this.promptTokens = details.promptTokens;
    this.maxTokens = details.maxTokens;
    this.contextSize = details.contextSize;
  }
}
