import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from "node-llama-cpp";
import { ModelError } from "../core/errors.js";
import type { ChatMessage } from "./chat-model.js";
import type { GenerationMessage, PastToolCall } from "./llama-cpp-options.js";

/**
 * Maps Tanuki chat messages to node-llama-cpp's chat history, ending with the model turn to generate:
 * `system` → `{type: "system"}`, `user` → `{type: "user"}`, `assistant` → `{type: "model", response: [text]}`,
 * and an assistant turn with tool calls → a model response holding node-llama-cpp `functionCall` items (name,
 * parsed arguments, result), which the chat template renders in its own call syntax. Adjacent messages with the
 * same role are joined (text with a blank line; chat templates expect alternating turns). A conversation that
 * ends with a user message gets an empty model turn; one that ends with tool results keeps that model turn open,
 * so the model goes on from the results.
 *
 * @throws ModelError when there are no messages or the last one is a plain assistant message (a structured answer
 *   is generated from scratch under a grammar; a prefilled assistant turn would bypass it)
 */
export function toChatHistory(messages: readonly (ChatMessage | GenerationMessage)[]): ChatHistoryItem[] {
  const last = messages.at(-1);
  const endsWithResults = last !== undefined && "toolCalls" in last && last.toolCalls.length > 0;
  if (last === undefined || (last.role !== "user" && !endsWithResults)) {
    throw new ModelError("A structured call must end with a user message");
  }
  const history: ChatHistoryItem[] = [];
  for (const message of messages) {
    const item = toHistoryItem(message);
    const previous = history.at(-1);
    if (previous?.type === "model" && item.type === "model") {
      previous.response.push(...joinable(previous.response, item.response));
    } else if (previous?.type === "user" && item.type === "user") {
      history[history.length - 1] = { type: "user", text: `${previous.text}\n\n${item.text}` };
    } else if (previous?.type === "system" && item.type === "system") {
      history[history.length - 1] = { type: "system", text: `${String(previous.text)}\n\n${String(item.text)}` };
    } else {
      history.push(item);
    }
  }
  if (!endsWithResults) history.push({ type: "model", response: [] });
  return history;
}

function toHistoryItem(message: ChatMessage | GenerationMessage): ChatHistoryItem {
  if (message.role === "system") return { type: "system", text: message.content };
  if (message.role === "user") return { type: "user", text: message.content };
  const calls = "toolCalls" in message ? message.toolCalls.map(toFunctionCall) : [];
  return {
    type: "model",
    response: [...(message.content === "" && calls.length > 0 ? [] : [message.content]), ...calls],
  };
}

/** The next model response's items, with a blank line between two texts. */
function joinable(before: ChatModelResponse["response"], items: ChatModelResponse["response"]) {
  const [first, ...rest] = items;
  if (typeof before.at(-1) === "string" && typeof first === "string") {
    before[before.length - 1] = `${before.at(-1) as string}\n\n${first}`;
    return rest;
  }
  return items;
}

function toFunctionCall(call: PastToolCall): ChatModelFunctionCall {
  let params: unknown;
  try {
    params = JSON.parse(call.arguments);
  } catch {
    params = call.arguments;
  }
  return { type: "functionCall", name: call.name, params, result: call.result ?? "" };
}
