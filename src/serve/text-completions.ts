import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { TextCompletionRequest } from "../llm/llama-text-completion.js";
import {
  type ApiFailure,
  type CompletionSink,
  errorBody,
  failureOf,
  invalid,
  modelNotFound,
} from "./chat-completions.js";
import type { ServeGenerator } from "./serve-generator.js";
import { findUnsupportedKey } from "./unsupported-fields.js";

/** OpenAI's legacy `POST /v1/completions` body, as far as `tanuki serve` implements it (autocomplete clients). */
export const TextCompletionBody = z
  .object({
    model: z.string().min(1).max(200),
    /** One prompt (a one-element array is accepted; token arrays and several prompts are not). */
    prompt: z.union([z.string(), z.array(z.string()).length(1)]),
    suffix: z.string().nullish(),
    max_tokens: z.number().int().min(1).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    seed: z.number().int().nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(8)]).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
    echo: z.boolean().nullish(),
    n: z.literal(1).nullish(),
    best_of: z.literal(1).nullish(),
  })
  .loose();
export type TextCompletionBody = z.infer<typeof TextCompletionBody>;

/** OpenAI's default answer cap for `/v1/completions`, tokens. */
const DEFAULT_COMPLETION_TOKENS = 16;

/**
 * Checks a `/v1/completions` body: known fields only (400 naming the first other one), valid values, a served
 * model, a generator that completes raw text (else 404 with the reason), infill support for `suffix`, an answer
 * cap within the context.
 *
 * @returns the request to run, or the failure to answer
 */
export function checkTextCompletion(
  body: unknown,
  generator: ServeGenerator,
  agents: readonly string[],
): (TextCompletionRequest & { stream: boolean; echo: boolean; includeUsage: boolean; model: string }) | ApiFailure {
  if (generator.completeText === undefined) {
    return {
      status: 404,
      type: "not_found_error",
      code: "not_supported",
      message: `${generator.name} does not serve raw text completions; use /v1/chat/completions`,
    };
  }
  const record = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const unsupported = findUnsupportedKey(record, Object.keys(TextCompletionBody.shape));
  if (unsupported) return invalid(unsupported, "unsupported_parameter");
  const parsed = TextCompletionBody.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.join(".") || "(body)";
    return invalid({ param, message: issue?.message ?? "invalid" });
  }
  const request = parsed.data;
  if (!agents.includes(request.model)) {
    return modelNotFound(request.model, agents);
  }
  if (request.suffix && !generator.infillSupported) {
    return invalid({ param: "suffix", message: `${generator.name} has no fill-in-the-middle tokens` });
  }
  const maxTokens = request.max_tokens ?? DEFAULT_COMPLETION_TOKENS;
  if (generator.contextSize !== undefined && maxTokens >= generator.contextSize) {
    return invalid({
      param: "max_tokens",
      message: `must be below the context size (${generator.contextSize} tokens)`,
    });
  }
  const stop = request.stop == null ? undefined : Array.isArray(request.stop) ? request.stop : [request.stop];
  return {
    agent: request.model,
    model: request.model,
    prompt: typeof request.prompt === "string" ? request.prompt : (request.prompt[0] as string),
    ...(request.suffix ? { suffix: request.suffix } : {}),
    maxTokens,
    temperature: request.temperature ?? 0,
    topP: request.top_p ?? undefined,
    seed: request.seed ?? undefined,
    stop,
    stream: request.stream === true,
    echo: request.echo === true,
    includeUsage: request.stream_options?.include_usage === true,
  };
}

/**
 * Runs a checked text completion and answers in OpenAI's `text_completion` shape: one JSON body, or SSE chunks
 * (`choices[0].text` deltas, a last chunk with `finish_reason`, a usage chunk when asked, `[DONE]`). `echo`
 * puts the prompt in front of the text.
 */
export async function runTextCompletion(
  checked: Exclude<ReturnType<typeof checkTextCompletion>, ApiFailure>,
  generator: Required<Pick<ServeGenerator, "completeText">>,
  sink: CompletionSink,
): Promise<void> {
  const id = `cmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (text: string, finish: string | null) => ({
    id,
    object: "text_completion",
    created,
    model: checked.model,
    choices: [{ text, index: 0, logprobs: null, finish_reason: finish }],
  });
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    sink.startEvents();
    if (checked.echo) sink.event(chunk(checked.prompt, null));
  };
  try {
    const result = await generator.completeText({
      ...checked,
      signal: sink.signal,
      onTextChunk: checked.stream
        ? (text) => {
            if (text === "") return;
            start();
            sink.event(chunk(text, null));
          }
        : undefined,
    });
    const finish = result.finishReason === "length" ? "length" : "stop";
    const usage = {
      prompt_tokens: result.usage.promptTokens,
      completion_tokens: result.usage.completionTokens,
      total_tokens: result.usage.promptTokens + result.usage.completionTokens,
    };
    if (!checked.stream) {
      sink.json(200, { ...chunk(`${checked.echo ? checked.prompt : ""}${result.text}`, finish), usage });
      return;
    }
    start();
    sink.event(chunk("", finish));
    if (checked.includeUsage)
      sink.event({ id, object: "text_completion", created, model: checked.model, choices: [], usage });
    sink.end();
  } catch (error) {
    if (sink.signal.aborted) return;
    const failure = failureOf(error, "prompt");
    if (started) {
      sink.event(errorBody(failure));
      sink.end();
    } else {
      sink.json(failure.status, errorBody(failure));
    }
  }
}
