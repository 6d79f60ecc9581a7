import { z } from "zod";

/**
 * Sizing of output schemas so that a model always finishes valid JSON within its token cap.
 *
 * A JSON-schema grammar (node-llama-cpp) forces every answer to match the schema, but it cannot stop a model that
 * keeps writing a long string: when `maxTokens` runs out mid-string the JSON is cut and does not parse. Bounding every
 * string and array (`maxLength`, `maxItems`) bounds the longest answer the grammar allows; this module computes that
 * bound and shrinks a schema's limits until it fits the token cap. Every generated token is at least one character,
 * so an answer of at most N characters needs at most N tokens.
 */

type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  maxItems?: number;
  maxLength?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
};

/**
 * Smallest per-agent token cap for which every Tanuki output schema can guarantee a complete answer (with 3 plan
 * candidates). Below it, generation may be cut mid-JSON.
 */
export const MIN_AGENT_TOKENS = 768;

/** Characters one string character may take: escapes (`\n`, `\"`) take two; rarer `\uXXXX` ones are not budgeted. */
const CHARS_PER_STRING_CHAR = 2;
/** Characters of whitespace the grammar allows in one slot at nesting `depth`: a newline plus 4 spaces a level. */
function whitespace(depth: number): number {
  return 1 + 4 * depth;
}
/** Longest number the grammar allows: sign, 16 digits, `.` and 16 digits, `e`, sign and 16 digits. */
const NUMBER_CHARS = 52;

/**
 * Longest JSON text, in characters, that a schema admits (whitespace the grammar allows included).
 * @returns Infinity when a string or array is unbounded
 */
export function worstCaseChars(schema: JsonSchema, depth = 0): number {
  if (schema.enum) return Math.max(...schema.enum.map((value) => JSON.stringify(value).length));
  if (schema.const !== undefined) return JSON.stringify(schema.const).length;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return Math.max(...alternatives.map((alternative) => worstCaseChars(alternative, depth)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "string":
      return schema.maxLength === undefined ? Number.POSITIVE_INFINITY : 2 + CHARS_PER_STRING_CHAR * schema.maxLength;
    case "number":
    case "integer":
      return NUMBER_CHARS;
    case "boolean":
      return 5;
    case "null":
      return 4;
    case "array": {
      if (schema.maxItems === undefined || !schema.items) return Number.POSITIVE_INFINITY;
      const item = worstCaseChars(schema.items, depth + 1) + 1 + whitespace(depth + 1);
      return 2 + whitespace(depth) + schema.maxItems * item;
    }
    case "object": {
      let total = 2 + whitespace(depth);
      for (const [key, value] of Object.entries(schema.properties ?? {})) {
        total += JSON.stringify(key).length + 2 + whitespace(depth + 1) + 1 + worstCaseChars(value, depth + 1);
      }
      return total;
    }
    default:
      return Number.POSITIVE_INFINITY;
  }
}

/** Longest JSON answer a zod schema admits, in characters (see {@link worstCaseChars}). */
export function worstCaseAnswerChars(schema: z.ZodType): number {
  return worstCaseChars(z.toJSONSchema(schema) as JsonSchema);
}

/**
 * Scales a schema's limits to fit `maxTokens`: `build(scale)` returns the schema with every limit multiplied by
 * `scale` (0 < scale ≤ 1, the builder keeps each limit ≥ 1); the largest scale whose worst case fits 90 % of
 * `maxTokens` wins (binary search, 12 steps). When even the smallest limits do not fit, the smallest schema is
 * returned: the cap is then too small for this agent and generation may be cut.
 *
 * @param maxTokens  the agent's cap on generated tokens
 * @param build  schema factory; must be monotone (a smaller scale never allows a longer answer)
 */
export function fitSchema<S extends z.ZodType>(maxTokens: number, build: (scale: number) => S): S {
  const limit = Math.floor(maxTokens * 0.9);
  const full = build(1);
  if (worstCaseAnswerChars(full) <= limit) return full;
  let low = 0;
  let high = 1;
  let best: S | undefined;
  for (let step = 0; step < 12; step += 1) {
    const middle = (low + high) / 2;
    const candidate = build(middle);
    if (worstCaseAnswerChars(candidate) <= limit) {
      best = candidate;
      low = middle;
    } else {
      high = middle;
    }
  }
  return best ?? build(0);
}

/** `natural × scale`, rounded down, at least `min` (default 1). Helper for schema factories (string lengths). */
export function scaled(natural: number, scale: number, min = 1): number {
  return Math.max(min, Math.floor(natural * scale));
}

/**
 * `natural × √scale`, rounded down, at least 1: array lengths shrink more slowly than string lengths, so a smaller
 * cap gives shorter items before it gives fewer of them.
 */
export function scaledCount(natural: number, scale: number): number {
  return Math.max(1, Math.floor(natural * Math.sqrt(scale)));
}

/** Memoizes a schema factory by token cap (fitting a schema converts it to JSON schema a dozen times). */
export function memoBySize<S>(build: (maxTokens: number) => S): (maxTokens: number) => S {
  const cache = new Map<number, S>();
  return (maxTokens) => {
    let schema = cache.get(maxTokens);
    if (!schema) {
      schema = build(maxTokens);
      cache.set(maxTokens, schema);
    }
    return schema;
  };
}
