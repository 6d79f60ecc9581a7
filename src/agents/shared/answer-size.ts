import { z } from "zod";

/**
 * Sizing of output schemas from the model's real token budget.
 *
 * A JSON-schema grammar (node-llama-cpp) or a server's structured-output mode forces every answer to match the
 * schema, but cannot stop a model that keeps writing a long string: when `maxTokens` runs out mid-string the JSON
 * is cut. Bounding strings and arrays (`maxLength`, `maxItems`) bounds answers; this module picks those bounds from
 * the agent's token cap and the model's measured density (characters of JSON answer per token, counted with the
 * model's tokenizer on a sample answer), not from the worst case of one token per character with every character
 * escaped, which left room for two edits of 600 characters.
 *
 * Two ways to fit (see {@link fitSchema} and {@link fitEachString}): small answers (plans, reviews, analyses) fit
 * whole at the measured density; edit answers give each text the room of the whole answer, because one large
 * replacement or several small ones are both real answers. An answer that still overruns its cap is cut, refused
 * and repaired (`runAgent`), and the coder and tester can split larger work over several calls (`more`).
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

/** The token cap of an answer and how much JSON text one token carries for this model. */
export interface AnswerBudget {
  /** The agent's cap on generated tokens. */
  maxTokens: number;
  /** Characters of JSON answer per token, measured (see {@link measureCharsPerToken}). */
  charsPerToken: number;
}

/**
 * Smallest per-agent token cap Tanuki sizes schemas for (with 3 plan candidates); below it, answers are too
 * short to be useful.
 */
export const MIN_AGENT_TOKENS = 768;

/** Share of the token cap an answer is sized for (the rest absorbs tokenizer variance). */
const CAP_SHARE = 0.9;
/** Characters a number takes in an answer (line numbers, scores). */
const NUMBER_CHARS = 8;

/** A sample of what agents answer (an edit with code and prose), to measure a tokenizer's density on. */
const SAMPLE_ANSWER = JSON.stringify({
  explanation: "Guard parse_header() against a header line without a colon and keep the original casing.",
  edits: [
    {
      kind: "search-replace",
      path: "src/http/headers.py",
      search:
        'def parse_header(line):\n    key, _, value = line.partition(":")\n    return key.strip().lower(), value\n',
      replace:
        'def parse_header(line: str) -> tuple[str, str]:\n    if ":" not in line:\n        raise ValueError(f"bad header: {line!r}")\n' +
        '    key, _, value = line.partition(":")\n    return key.strip().lower(), value.strip()\n',
    },
  ],
});

/**
 * Characters of JSON answer per token for a tokenizer, measured on a sample answer; 4 (the usual estimate) without
 * one. Clamped to 1..6 so a degenerate tokenizer cannot size schemas absurdly.
 */
export function measureCharsPerToken(countTokens?: (text: string) => number): number {
  if (!countTokens) return 4;
  const tokens = countTokens(SAMPLE_ANSWER);
  if (!(tokens > 0)) return 4;
  return Math.min(6, Math.max(1, Math.round((SAMPLE_ANSWER.length / tokens) * 100) / 100));
}

/**
 * Longest compact JSON text, in characters, that a schema admits (strings at their `maxLength`, arrays at
 * `maxItems`, or at most `itemsCap` items when given).
 * @returns Infinity when a string or array is unbounded
 */
export function worstCaseChars(schema: JsonSchema, itemsCap = Number.POSITIVE_INFINITY): number {
  if (schema.enum) return Math.max(...schema.enum.map((value) => JSON.stringify(value).length));
  if (schema.const !== undefined) return JSON.stringify(schema.const).length;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return Math.max(...alternatives.map((alternative) => worstCaseChars(alternative, itemsCap)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "string":
      return schema.maxLength === undefined ? Number.POSITIVE_INFINITY : 2 + schema.maxLength;
    case "number":
    case "integer":
      return NUMBER_CHARS;
    case "boolean":
      return 5;
    case "null":
      return 4;
    case "array": {
      if (schema.maxItems === undefined || !schema.items) return Number.POSITIVE_INFINITY;
      const items = Math.min(schema.maxItems, itemsCap);
      return 2 + items * (worstCaseChars(schema.items, itemsCap) + 1);
    }
    case "object": {
      let total = 2;
      for (const [key, value] of Object.entries(schema.properties ?? {})) {
        total += JSON.stringify(key).length + 2 + worstCaseChars(value, itemsCap);
      }
      return total;
    }
    default:
      return Number.POSITIVE_INFINITY;
  }
}

/** Longest compact JSON answer a zod schema admits, in characters (see {@link worstCaseChars}). */
export function worstCaseAnswerChars(schema: z.ZodType, itemsCap?: number): number {
  return worstCaseChars(z.toJSONSchema(schema) as JsonSchema, itemsCap);
}

/** Largest scale in (0, 1] whose schema passes `fits` (binary search, 12 steps); scale 0 when none does. */
function largestScale<S>(build: (scale: number) => S, fits: (schema: S) => boolean): S {
  const full = build(1);
  if (fits(full)) return full;
  let low = 0;
  let high = 1;
  let best: S | undefined;
  for (let step = 0; step < 12; step += 1) {
    const middle = (low + high) / 2;
    const candidate = build(middle);
    if (fits(candidate)) {
      best = candidate;
      low = middle;
    } else {
      high = middle;
    }
  }
  return best ?? build(0);
}

/**
 * Scales a schema's limits so that its longest answer, at the model's measured density, fits 90 % of the token
 * cap: `build(scale)` returns the schema with every limit multiplied by `scale` (0 < scale ≤ 1, the builder keeps
 * each limit ≥ 1); the largest scale that fits wins. For answers whose every field may be full at once (plans,
 * reviews, analyses).
 *
 * @param build  schema factory; must be monotone (a smaller scale never allows a longer answer)
 */
export function fitSchema<S extends z.ZodType>(budget: AnswerBudget, build: (scale: number) => S): S {
  const limit = budget.maxTokens * CAP_SHARE * budget.charsPerToken;
  return largestScale(build, (schema) => worstCaseAnswerChars(schema) <= limit);
}

/**
 * Scales a schema's limits so that an answer with ONE item per array and every text at its limit fits 90 % of the
 * token cap at the measured density: each text may take (nearly) the whole answer, and the arrays keep their
 * natural number of items. For edit answers: one large replacement and several small ones are both real; a model
 * that fills every item overruns the cap and is repaired or continues in another call (`more`).
 */
export function fitEachString<S extends z.ZodType>(budget: AnswerBudget, build: (scale: number) => S): S {
  const limit = budget.maxTokens * CAP_SHARE * budget.charsPerToken;
  return largestScale(build, (schema) => worstCaseAnswerChars(schema, 1) <= limit);
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

/** Memoizes a schema factory by answer budget (fitting a schema converts it to JSON schema a dozen times). */
export function memoBySize<S>(build: (budget: AnswerBudget) => S): (budget: AnswerBudget) => S {
  const cache = new Map<string, S>();
  return (budget) => {
    const key = `${budget.maxTokens}/${budget.charsPerToken}`;
    let schema = cache.get(key);
    if (!schema) {
      schema = build(budget);
      cache.set(key, schema);
    }
    return schema;
  };
}
