import { ModelError } from "../core/errors.js";

/** Why a structured answer was refused. */
export type StructuredOutputFailure =
  /** Generation stopped at `maxTokens` before the JSON was complete. */
  | "max-tokens"
  /** The text is not JSON. */
  | "invalid-json"
  /** The JSON does not match the zod schema. */
  | "schema-mismatch";

/**
 * A model answered, but the answer is not a valid structured answer. A `ModelError` (code `model`) that keeps
 * the raw generated text for traces and debugging (idea: node-llama-cpp's function-call errors keep `callText`).
 */
export class StructuredOutputError extends ModelError {
  /** The raw generated text. */
  readonly raw: string;
  readonly schemaName: string;
  readonly failure: StructuredOutputFailure;

  constructor(
    message: string,
    details: { raw: string; schemaName: string; failure: StructuredOutputFailure },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.raw = details.raw;
    this.schemaName = details.schemaName;
    this.failure = details.failure;
  }
}
