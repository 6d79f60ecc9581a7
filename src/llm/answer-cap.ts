/**
 * Byte caps on a streamed model answer. A server may ignore `max_tokens` (a misconfigured or hostile
 * OpenAI-compatible endpoint once streamed 300 MiB, costing 2 GB of memory and a 301 MB trace); these caps bound
 * what one call can cost whatever the server or the model's vocabulary does: the answer's text, and the raw HTTP
 * body around it.
 */

/** Most UTF-8 bytes one token may decode to, for the cap. Generous: the longest tokens of common vocabularies
 * (runs of spaces, dashes, repeated code) are 16–128 bytes, and a JSON answer is mostly short tokens. */
export const MAX_ANSWER_BYTES_PER_TOKEN = 64;

/** Tokens assumed for the cap of a call that gives no `maxTokens` (the cap is then 2 MiB of text). */
export const DEFAULT_CAP_TOKENS = 32_768;

/** Bytes of SSE framing allowed per token (`data: {"id":…,"choices":[{"delta":{"content":"x"}}]}\n\n`). */
const SSE_BYTES_PER_TOKEN = 1024;

/** Fixed SSE allowance (the role chunk, the usage chunk, `[DONE]`), bytes. */
const SSE_FIXED_BYTES = 64 * 1024;

/**
 * Most bytes of answer text accepted for a call: `maxTokens` (default {@link DEFAULT_CAP_TOKENS}) times
 * `bytesPerToken` (default {@link MAX_ANSWER_BYTES_PER_TOKEN}).
 */
export function answerByteCap(maxTokens: number | undefined, bytesPerToken = MAX_ANSWER_BYTES_PER_TOKEN): number {
  return Math.ceil((maxTokens ?? DEFAULT_CAP_TOKENS) * bytesPerToken);
}

/** Most bytes of HTTP body accepted for a streamed call with `maxTokens` (text cap plus SSE framing per token). */
export function responseByteCap(maxTokens: number | undefined): number {
  return answerByteCap(maxTokens) + (maxTokens ?? DEFAULT_CAP_TOKENS) * SSE_BYTES_PER_TOKEN + SSE_FIXED_BYTES;
}

/** A response body, or a model's text, passed its byte cap: the server or model ignored `max_tokens`. */
export class AnswerCapError extends Error {
  /** The cap that was passed, bytes. */
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`the answer passed its cap of ${limitBytes} bytes`);
    this.name = "AnswerCapError";
    this.limitBytes = limitBytes;
  }
}

/** The {@link AnswerCapError} in `error` or its causes, if any. */
export function findAnswerCapError(error: unknown): AnswerCapError | undefined {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    if (e instanceof AnswerCapError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The `max_tokens` (or `max_completion_tokens`) of a JSON request body, when it has one: the cap of a response
 * follows the request that asked for it, so concurrent calls with different limits each get their own.
 */
export function requestedMaxTokens(body: unknown): number | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown> | null;
    const value = parsed?.max_tokens ?? parsed?.max_completion_tokens;
    return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `fetch` whose response bodies end with an {@link AnswerCapError} once they pass
 * `responseByteCap(requestedMaxTokens(init.body))`, so a server that streams without end (or sends one endless SSE
 * line, which a line decoder would buffer whole) costs at most that. Cutting the body cancels the response, which
 * closes the connection.
 */
export function cappedFetch(inner: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const response = await inner(input, init);
    if (!response.body) return response;
    const maxBytes = responseByteCap(requestedMaxTokens(init?.body));
    let seen = 0;
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) {
          controller.error(new AnswerCapError(maxBytes));
          return;
        }
        controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(counter), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** The longest start of `text` that is at most `maxBytes` UTF-8 bytes (never splits a character). */
export function utf8Head(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const cut = Buffer.from(text).subarray(0, maxBytes).toString("utf8");
  // A character split at the cut decodes as U+FFFD: drop it.
  return cut.endsWith("\uFFFD") && !text.startsWith(cut) ? cut.slice(0, -1) : cut;
}
