/** A request problem that names the field (answered as 400 `invalid_request_error` with `param`). */
export interface FieldProblem {
  param: string;
  message: string;
}

/**
 * Keys that describe the caller or ask for bookkeeping that changes nothing in the answer: accepted and ignored.
 * `logprobs`, `top_logprobs`, `logit_bias`, `modalities`, `reasoning_effort` pass only with neutral values.
 */
const IGNORED_KEYS = new Set([
  "user",
  "metadata",
  "store",
  "service_tier",
  "safety_identifier",
  "prompt_cache_key",
  "verbosity",
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "modalities",
  "reasoning_effort",
]);

/** Values of the conditionally ignored keys that ask for nothing. */
function isNeutral(key: string, value: unknown): boolean {
  switch (key) {
    case "logprobs":
      return value === false;
    case "top_logprobs":
      return value === 0;
    case "logit_bias":
      return typeof value === "object" && Object.keys(value as object).length === 0;
    case "modalities":
      return JSON.stringify(value) === '["text"]';
    case "reasoning_effort":
      return false;
    default:
      return true;
  }
}

/**
 * The first key of `body` that `tanuki serve` would otherwise ignore although it changes the answer: a key not in
 * `known` and not in the caller-describing set, or a non-neutral value of `logprobs`, `logit_bias`, …. Null values
 * count as absent. OpenAI's API refuses unknown parameters the same way, so clients learn what is missing.
 */
export function findUnsupportedKey(body: Record<string, unknown>, known: readonly string[]): FieldProblem | undefined {
  for (const [key, value] of Object.entries(body)) {
    if (known.includes(key) || value === null || value === undefined) continue;
    if (!IGNORED_KEYS.has(key)) return { param: key, message: "is not supported by tanuki serve" };
    if (!isNeutral(key, value))
      return { param: key, message: `${JSON.stringify(value)} is not supported by tanuki serve` };
  }
  return undefined;
}
