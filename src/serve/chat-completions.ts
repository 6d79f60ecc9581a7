import { randomUUID } from "node:crypto";
import { ModelError } from "../core/errors.js";
import { ContextOverflowError } from "../llm/context-overflow-error.js";
import type { GenerationMessage, TextGenerationResult } from "../llm/llama-cpp-options.js";
import { jsonSchemaToGbnfSchema } from "../llm/zod-to-gbnf.js";
import { type ChatCompletionRequest, findUnsupported } from "./openai-request.js";
import type { ServeGenerator } from "./serve-generator.js";
import { planTools, type ToolPlan, toGenerationMessages } from "./tool-request.js";
import type { FieldProblem } from "./unsupported-fields.js";

/** An OpenAI-style error answer. */
export interface ApiFailure {
  status: number;
  type: "invalid_request_error" | "authentication_error" | "not_found_error" | "rate_limit_error" | "server_error";
  code: string;
  message: string;
  /** The request field at fault, when there is one (OpenAI's `error.param`). */
  param?: string;
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

/** A request that passed every check, ready to run. */
export interface CheckedCompletion {
  request: ChatCompletionRequest;
  messages: GenerationMessage[];
  /** Undefined when the model may not call tools. */
  tools?: ToolPlan;
}

/**
 * Checks what the schema can't: no unsupported feature is asked for, the model id is served, the conversation
 * ends with a user message or tool results that answer the assistant's calls, tools and `tool_choice` fit together
 * and their schemas (like a `json_schema` response format) can be expressed as grammars, and the answer cap fits
 * the context.
 *
 * @param body  the raw JSON body (unknown keys are looked at here)
 * @returns the checked completion, or the failure to send (400 naming the field, 404 for an unknown model)
 */
export function checkCompletionRequest(
  body: Record<string, unknown>,
  request: ChatCompletionRequest,
  agents: readonly string[],
  contextSize: number | undefined,
): CheckedCompletion | ApiFailure {
  const unsupported = findUnsupported(body);
  if (unsupported) return invalid(unsupported, "unsupported_parameter");
  if (!agents.includes(request.model)) {
    return modelNotFound(request.model, agents);
  }
  const messages = toGenerationMessages(request.messages);
  if (!Array.isArray(messages)) return invalid(messages);
  const maxTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxTokens != null && contextSize !== undefined && maxTokens >= contextSize) {
    return invalid({ param: "max_tokens", message: `must be below the context size (${contextSize} tokens)` });
  }
  const format = request.response_format;
  if (format?.type === "json_schema") {
    try {
      jsonSchemaToGbnfSchema(format.json_schema.schema, format.json_schema.name);
    } catch (error) {
      return invalid({ param: "response_format.json_schema.schema", message: (error as Error).message });
    }
  }
  const tools = planTools(request);
  if (tools !== undefined && "param" in tools) return invalid(tools);
  return { request, messages, ...(tools ? { tools } : {}) };
}

/**
 * Runs one checked chat completion on the agent the model id names and writes the answer in OpenAI's wire format:
 * one `chat.completion`, or `chat.completion.chunk` events (`role` first, then `content` deltas, tool calls as
 * `tool_calls` deltas with `index`, `id`, `type`, `function.name` and `function.arguments` fragments, the
 * `finish_reason` chunk, and a usage chunk when `stream_options.include_usage`). Progress that is not the answer
 * (the team model's steps) goes in `reasoning_content` (deltas when streamed), which IDE clients show as reasoning. Tool calls end with
 * `finish_reason: "tool_calls"` and `content: null` when the model wrote no text.
 *
 * @param defaultMaxTokens  answer cap when the request gives none, tokens
 */
export async function runChatCompletion(
  checked: CheckedCompletion,
  generator: ServeGenerator,
  sink: CompletionSink,
  defaultMaxTokens: number,
): Promise<void> {
  const { request, tools } = checked;
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
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    sink.startEvents();
    sink.event(chunk({ role: "assistant", content: "" }, null));
  };
  const callIds: string[] = [];
  const callId = (index: number) => {
    callIds[index] ??= `call_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
    return callIds[index];
  };
  const streamedCalls = new Set<number>();
  const streamCall = (index: number, name: string, args: string | undefined) => {
    start();
    if (!streamedCalls.has(index)) {
      streamedCalls.add(index);
      sink.event(
        chunk(
          { tool_calls: [{ index, id: callId(index), type: "function", function: { name, arguments: "" } }] },
          null,
        ),
      );
    }
    if (args !== undefined) sink.event(chunk({ tool_calls: [{ index, function: { arguments: args } }] }, null));
  };
  const format = request.response_format;
  const stop = request.stop == null ? undefined : Array.isArray(request.stop) ? request.stop : [request.stop];
  try {
    const result: TextGenerationResult = await generator.generateText({
      agent: request.model,
      messages: checked.messages,
      maxTokens: request.max_completion_tokens ?? request.max_tokens ?? defaultMaxTokens,
      temperature: request.temperature ?? 0,
      topP: request.top_p ?? undefined,
      seed: request.seed ?? undefined,
      frequencyPenalty: request.frequency_penalty ?? undefined,
      presencePenalty: request.presence_penalty ?? undefined,
      stop,
      jsonSchema:
        format?.type === "json_schema"
          ? { name: format.json_schema.name, schema: format.json_schema.schema }
          : undefined,
      ...(tools ? { tools: tools.tools, toolMode: tools.mode, maxToolCalls: tools.maxCalls } : {}),
      signal: sink.signal,
      onTextChunk: stream
        ? (text) => {
            if (text === "") return;
            start();
            sink.event(chunk({ content: text }, null));
          }
        : undefined,
      onToolCall: stream ? (call) => streamCall(call.index, call.name, call.arguments) : undefined,
      onReasoning: stream
        ? (text) => {
            start();
            sink.event(chunk({ reasoning_content: text }, null));
          }
        : undefined,
    });
    const usage = {
      prompt_tokens: result.usage.promptTokens,
      completion_tokens: result.usage.completionTokens,
      total_tokens: result.usage.promptTokens + result.usage.completionTokens,
    };
    const calls = result.toolCalls ?? [];
    if (!stream) {
      const message =
        calls.length > 0
          ? {
              role: "assistant",
              content: result.text === "" ? null : result.text,
              tool_calls: calls.map((call, index) => ({
                id: callId(index),
                type: "function",
                function: { name: call.name, arguments: call.arguments },
              })),
            }
          : { role: "assistant", content: result.text };
      if (result.reasoning) Object.assign(message, { reasoning_content: result.reasoning });
      sink.json(200, {
        id,
        object: "chat.completion",
        created,
        model: request.model,
        choices: [{ index: 0, message, finish_reason: result.finishReason }],
        usage,
      });
      return;
    }
    start();
    for (const [index, call] of calls.entries()) {
      if (!streamedCalls.has(index)) streamCall(index, call.name, call.arguments);
    }
    sink.event(chunk({}, result.finishReason));
    if (request.stream_options?.include_usage) {
      sink.event({ id, object: "chat.completion.chunk", created, model: request.model, choices: [], usage });
    }
    sink.end();
  } catch (error) {
    if (sink.signal.aborted) return;
    const failure = failureOf(error, "messages");
    if (started) {
      sink.event({ error: errorBody(failure).error });
      sink.end();
    } else {
      sink.json(failure.status, errorBody(failure));
    }
  }
}

/**
 * The answer for a generation that failed: 400 `context_length_exceeded` (naming `param`) when the input does not
 * fit the context, else 500 with the model error's message (other errors say only "internal error").
 */
export function failureOf(error: unknown, param: string): ApiFailure {
  if (error instanceof ContextOverflowError) {
    return invalid({ param, message: error.message }, "context_length_exceeded");
  }
  return {
    status: 500,
    type: "server_error",
    code: "generation_failed",
    message: error instanceof ModelError ? error.message : "internal error",
  };
}

/** 404 `model_not_found` listing the served ids. */
export function modelNotFound(model: string, agents: readonly string[]): ApiFailure {
  return {
    status: 404,
    type: "not_found_error",
    code: "model_not_found",
    param: "model",
    message: `The model ${model} is not served; GET /v1/models lists: ${agents.join(", ")}`,
  };
}

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export function errorBody(failure: ApiFailure) {
  return {
    error: { message: failure.message, type: failure.type, param: failure.param ?? null, code: failure.code },
  };
}

/** A 400 `invalid_request_error` naming the field at fault. */
export function invalid(problem: FieldProblem, code = "invalid_value"): ApiFailure {
  return {
    status: 400,
    type: "invalid_request_error",
    code,
    param: problem.param,
    message: `${problem.param}: ${problem.message}`,
  };
}
