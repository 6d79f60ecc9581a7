import type { Phase } from "../core/run-result.js";
import { ContextOverflowError } from "../llm/context-overflow-error.js";

/** The ContextOverflowError that `error` is or was caused by, if any. */
function findOverflow(error: unknown): ContextOverflowError | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof ContextOverflowError) return current;
    current = current.cause;
  }
  return undefined;
}

/**
 * The run's reason when a model call did not fit the model's context: which phase, the call (its schema name), the
 * prompt and the answer cap against the context, in tokens, and what to do (a model with a larger context; the
 * local backend uses the model's own context, at most 8,192 tokens). Undefined when `error` is not (caused by) a
 * ContextOverflowError.
 *
 * @param where.phase  the phase the error escaped from, when known
 * @param where.modelName  the model's name for reports (e.g. its file name)
 */
export function contextTooSmallReason(error: unknown, where: { phase?: Phase; modelName: string }): string | undefined {
  const overflow = findOverflow(error);
  if (overflow === undefined) return undefined;
  const { promptTokens, maxTokens, contextSize } = overflow;
  const phase = where.phase ? `the ${where.phase} phase` : "a model call";
  return (
    `The model's context is too small for ${phase}: the prompt of ${overflow.label} is ${promptTokens} tokens and its ` +
    `answer may take ${maxTokens} more (${promptTokens + maxTokens} in all), but ${where.modelName} has a context ` +
    `of ${contextSize} tokens. Use a model with a larger context window (--model <file.gguf> or TANUKI_MODEL; ` +
    "Tanuki uses up to 8,192 tokens of a model's context)."
  );
}
