import type { LlamaGrammar } from "node-llama-cpp";
import { toArgumentsText, toChatModelFunctions, toolCallEvents } from "./function-calling.js";
import { type ChatRunOptions, type ChatRunResult, DEFAULT_MAX_TOKENS } from "./llama-chat-run.js";
import type { TextGenerationRequest, TextGenerationResult } from "./llama-cpp-options.js";
import type { JsonSchemaNode } from "./zod-to-gbnf.js";

/** Each offered tool's parameter schema by name (to write the generated arguments back as JSON text). */
export type ToolSchemas = ReadonlyMap<string, JsonSchemaNode | undefined>;

/**
 * The chat run of a `generateText` request: its sampling and streaming, the JSON-schema `grammar` when it asks for
 * one, and node-llama-cpp's function calling when it offers tools (`toolMode: "required"` forces a call).
 *
 * @throws ModelError when a tool's parameters cannot be expressed as a grammar
 */
export function textRunOptions(
  request: TextGenerationRequest,
  grammar: LlamaGrammar | undefined,
): { options: ChatRunOptions; schemas: ToolSchemas } {
  const tools = request.tools ?? [];
  const schemas = new Map(tools.map((tool) => [tool.name, tool.parameters]));
  const onToolCall = request.onToolCall;
  const options: ChatRunOptions = {
    label: request.jsonSchema?.name ?? (tools.length ? "tools" : "text"),
    grammar,
    maxTokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
    temperature: request.temperature ?? 0,
    topP: request.topP,
    seed: request.seed,
    stop: request.stop,
    frequencyPenalty: request.frequencyPenalty,
    presencePenalty: request.presencePenalty,
    onTextChunk: request.onTextChunk,
    signal: request.signal,
    ...(tools.length > 0
      ? {
          functions: toChatModelFunctions(tools),
          forceFunctionCall: request.toolMode === "required",
          maxParallelFunctionCalls: request.maxToolCalls ?? 1,
          onFunctionCallParamsChunk: onToolCall ? toolCallEvents(schemas, onToolCall) : undefined,
        }
      : {}),
  };
  return { options, schemas };
}

/** A chat run as `generateText`'s result: the tool calls with their arguments as JSON text, the finish reason. */
export function toTextGenerationResult(
  run: ChatRunResult,
  schemas: ToolSchemas,
  durationMs: number,
): TextGenerationResult {
  const toolCalls = run.functionCalls.map((call) => ({
    name: call.name,
    arguments: toArgumentsText(JSON.stringify(call.params ?? {}), schemas.get(call.name)),
  }));
  return {
    text: run.text,
    finishReason:
      toolCalls.length > 0
        ? "tool_calls"
        : run.stopReason === "maxTokens" || run.stopReason === "byteCap"
          ? "length"
          : "stop",
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    usage: { promptTokens: run.promptTokens, completionTokens: run.completionTokens },
    durationMs,
    meta: run.meta,
  };
}
