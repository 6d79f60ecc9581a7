import type { GenerationMessage, GenerationTool, PastToolCall } from "../llm/llama-cpp-options.js";
import { jsonSchemaToGbnfSchema } from "../llm/zod-to-gbnf.js";
import { type ChatCompletionRequest, contentText, type RequestMessage } from "./openai-request.js";
import type { FieldProblem } from "./unsupported-fields.js";

/** The tools a request lets the model call, and how. */
export interface ToolPlan {
  tools: GenerationTool[];
  /** `required` for `tool_choice: "required"` and a named function (then `tools` holds only that one). */
  mode: "auto" | "required";
  /** Most calls in one answer: 1 with `parallel_tool_calls: false`, else up to {@link MAX_PARALLEL_CALLS}. */
  maxCalls: number;
}

/** Calls one answer may make when parallel calls are allowed. */
export const MAX_PARALLEL_CALLS = 8;

/**
 * What `tools`, `tool_choice` and `parallel_tool_calls` ask for: undefined when the model may not call tools (no
 * tools, or `tool_choice: "none"`), else the tools and the mode.
 *
 * @returns the plan, or the problem (a choice that needs tools without any, a named function not among the tools,
 *   parameters a grammar cannot express, tools combined with a JSON-schema response format)
 */
export function planTools(request: ChatCompletionRequest): ToolPlan | undefined | FieldProblem {
  const tools = request.tools ?? [];
  const choice = request.tool_choice ?? "auto";
  if (choice === "none") return undefined;
  if (tools.length === 0) {
    if (request.tool_choice == null || choice === "auto") return undefined;
    return { param: "tool_choice", message: "needs tools" };
  }
  const names = new Set<string>();
  for (const [i, tool] of tools.entries()) {
    if (names.has(tool.function.name)) {
      return { param: `tools[${i}].function.name`, message: `${tool.function.name} is defined twice` };
    }
    names.add(tool.function.name);
    if (tool.function.parameters === undefined) continue;
    try {
      jsonSchemaToGbnfSchema(tool.function.parameters, tool.function.name);
    } catch (error) {
      return { param: `tools[${i}].function.parameters`, message: (error as Error).message };
    }
  }
  if (request.response_format?.type === "json_schema") {
    return {
      param: "response_format",
      message: 'a JSON schema cannot be combined with tools (use tool_choice "none")',
    };
  }
  const all: GenerationTool[] = tools.map((tool) => ({
    name: tool.function.name,
    ...(tool.function.description ? { description: tool.function.description } : {}),
    ...(tool.function.parameters ? { parameters: tool.function.parameters } : {}),
  }));
  const maxCalls = request.parallel_tool_calls === false ? 1 : Math.min(MAX_PARALLEL_CALLS, 1 + tools.length * 2);
  if (typeof choice === "object") {
    const named = all.find((tool) => tool.name === choice.function.name);
    if (named === undefined) {
      return { param: "tool_choice.function.name", message: `${choice.function.name} is not one of the tools` };
    }
    return { tools: [named], mode: "required", maxCalls };
  }
  return { tools: all, mode: choice === "required" ? "required" : "auto", maxCalls };
}

/**
 * OpenAI messages as generation messages: `developer` → `system`, text parts joined, and each assistant message's
 * `tool_calls` carrying the results of the `role: "tool"` messages that answer them (matched by `tool_call_id`).
 * The conversation must end with a user message or with tool results.
 *
 * @returns the messages, or the problem (a tool message that answers no pending call, an assistant turn last)
 */
export function toGenerationMessages(messages: readonly RequestMessage[]): GenerationMessage[] | FieldProblem {
  const out: GenerationMessage[] = [];
  const pending = new Map<string, PastToolCall>();
  for (const [i, message] of messages.entries()) {
    if (message.role === "tool") {
      const call = pending.get(message.tool_call_id);
      if (call === undefined) {
        return {
          param: `messages[${i}].tool_call_id`,
          message: `${message.tool_call_id} answers no tool call of the assistant message before it`,
        };
      }
      call.result = contentText(message.content);
      pending.delete(message.tool_call_id);
      continue;
    }
    const unanswered = unansweredCall(pending, i);
    if (unanswered) return unanswered;
    if (message.role === "assistant") {
      const toolCalls = (message.tool_calls ?? []).map((call) => {
        const past: PastToolCall = { name: call.function.name, arguments: call.function.arguments };
        pending.set(call.id, past);
        return past;
      });
      const content = contentText(message.content);
      out.push(toolCalls.length > 0 ? { role: "assistant", content, toolCalls } : { role: "assistant", content });
      continue;
    }
    out.push({ role: message.role === "developer" ? "system" : message.role, content: contentText(message.content) });
  }
  const unanswered = unansweredCall(pending);
  if (unanswered) return unanswered;
  const last = messages.at(-1);
  if (last?.role !== "user" && last?.role !== "tool") {
    return { param: "messages", message: "the last message must have role user or tool" };
  }
  return out;
}

/** OpenAI's rule: every tool call of an assistant message is answered by a tool message before the next turn. */
function unansweredCall(pending: Map<string, PastToolCall>, next?: number): FieldProblem | undefined {
  const [id] = pending.keys();
  if (id === undefined) return undefined;
  const where = next === undefined ? "at the end" : "before this message";
  return {
    param: next === undefined ? "messages" : `messages[${next}]`,
    message: `the tool call ${id} has no role tool answer ${where}`,
  };
}
