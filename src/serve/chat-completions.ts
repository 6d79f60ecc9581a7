import { randomUUID } from "node:crypto";
import { ModelError } from "../core/errors.js";
import { ContextOverflowError } from "../llm/context-overflow-error.js";
import { jsonSchemaToGbnfSchema } from "../llm/zod-to-gbnf.js";
import { type ChatCompletionRequest, toChatMessages } from "./openai-request.js";
import type { ServeGenerator } from "./serve-generator.js";

/** An OpenAI-style error answer. */
export interface ApiFailure {
  status: number;
  type: "invalid_request_error" | "authentication_error" | "not_found_error" | "rate_limit_error" | "server_error";
  code: string;
  message: string;
}

/** Where a chat completion's output goes: one JSON body, or server-sent events. */
export interface CompletionSink {
  json(status: number, body: unknown): void;
  /** Starts an SSE stream (headers); then `event` per chunk and `end` after `[DONE]`. */
  startEvents(): void;
  event(data: unknown): void;
  end(): void;
  /** Aborts when the client disconnects. */
  signal: AbortSignal;
}

/**
 * Checks what the schema can't: the model id is served, the last message is the user's, a `json_schema` response
 * format can be expressed as a grammar, and the answer cap fits the context.
 *
 * @returns undefined when the request can run, else the failure to send
 */
export function checkCompletionRequest(
  request: ChatCompletionRequest,
  agents: readonly string[],
  contextSize: number | undefined,
): ApiFailure | undefined {
  if (!agents.includes(request.model)) {
    return {
      status: 404,
      type: "not_found_error",
      code: "model_not_found",
      message: `The model ${request.model} is not served; GET /v1/models lists: ${agents.join(", ")}`,
    };
  }
  if (request.messages.at(-1)?.role !== "user") {
    return invalid("messages", "the last message must have role user");
  }
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null && contextSize !== undefined && maxTokens >= contextSize) {
    return invalid("max_tokens", `must be below the context size (${contextSize} tokens)`);
  }
  const format = request.response_format;
  if (format?.type === "json_schema") {
    try {
      jsonSchemaToGbnfSchema(format.json_schema.schema, format.json_schema.name);
    } catch (error) {
      return invalid("response_format.json_schema.schema", (error as Error).message);
    }
  }
  return undefined;
}

/**
 * Runs one validated chat completion on the agent the model id names and writes the answer (JSON or SSE chunks
 * in OpenAI's `chat.completion` / `chat.completion.chunk` shapes, usage included when asked).
 *
 * @param defaultMaxTokens  answer cap when the request gives none, tokens
 */
export async function runChatCompletion(
  request: ChatCompletionRequest,
  generator: ServeGenerator,
  sink: CompletionSink,
  defaultMaxTokens: number,
): Promise<void> {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const stream = request.stream === true;
  const chunk = (delta: Record<string, unknown>, finish: string | null) => ({
    id,
    object: "chat.completion.chunk",
    created,
    model: request.model,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const format = request.response_format;
  const stop = request.stop == null ? undefined : Array.isArray(request.stop) ? request.stop : [request.stop];
  let started = false;
  try {
    const result = await generator.generateText({
      agent: request.model,
      messages: toChatMessages(request.messages),
      maxTokens: request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens,
      temperature: request.temperature ?? 0,
      topP: request.top_p ?? undefined,
      seed: request.seed ?? undefined,
      stop,
      jsonSchema:
        format?.type === "json_schema"
          ? { name: format.json_schema.name, schema: format.json_schema.schema }
          : undefined,
      signal: sink.signal,
      onTextChunk: stream
        ? (text) => {
            if (text === "") return;
            if (!started) {
              started = true;
              sink.startEvents();
              sink.event(chunk({ role: "assistant", content: "" }, null));
            }
            sink.event(chunk({ content: text }, null));
          }
        : undefined,
    });
    const usage = {
      prompt_tokens: result.usage.promptTokens,
      completion_tokens: result.usage.completionTokens,
      total_tokens: result.usage.promptTokens + result.usage.completionTokens,
    };
    if (!stream) {
      sink.json(200, {
        id,
        object: "chat.completion",
        created,
        model: request.model,
        choices: [
          { index: 0, message: { role: "assistant", content: result.text }, finish_reason: result.finishReason },
        ],
        usage,
      });
      return;
    }
    if (!started) {
      sink.startEvents();
      sink.event(chunk({ role: "assistant", content: "" }, null));
    }
    sink.event(chunk({}, result.finishReason));
    if (request.stream_options?.include_usage) {
      sink.event({ id, object: "chat.completion.chunk", created, model: request.model, choices: [], usage });
    }
    sink.end();
  } catch (error) {
    if (sink.signal.aborted) return;
    const failure: ApiFailure =
      error instanceof ContextOverflowError
        ? invalid("messages", error.message, "context_length_exceeded")
        : {
            status: 500,
            type: "server_error",
            code: "generation_failed",
            message: error instanceof ModelError ? error.message : "internal error",
          };
    if (started) {
      sink.event({ error: { message: failure.message, type: failure.type, code: failure.code } });
      sink.end();
    } else {
      sink.json(failure.status, { error: { message: failure.message, type: failure.type, code: failure.code } });
    }
  }
}

function invalid(param: string, message: string, code = "invalid_value"): ApiFailure {
  return { status: 400, type: "invalid_request_error", code, message: `${param}: ${message}` };
}
