import type { ChatHistoryItem } from "node-llama-cpp";
import { ModelError } from "../core/errors.js";
import type { ChatMessage } from "./chat-model.js";

/**
 * Maps Tanuki chat messages to node-llama-cpp's chat history, ending with the empty model turn to generate:
 * `system` → `{type: "system"}`, `user` → `{type: "user"}`, `assistant` → `{type: "model", response: [text]}`.
 * Adjacent messages with the same role are joined with a blank line (chat templates expect alternating turns).
 * The chat wrapper (the model's template) turns this into the prompt text.
 *
 * @throws ModelError when there are no messages or the last one is not a `user` message (a structured answer is
 *   generated from scratch under a grammar; a prefilled assistant turn would bypass it)
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const last = messages.at(-1);
  if (last === undefined || last.role !== "user") {
    throw new ModelError("A structured call must end with a user message");
  }
  const merged: ChatMessage[] = [];
  for (const message of messages) {
    const previous = merged.at(-1);
    if (previous !== undefined && previous.role === message.role) {
      merged[merged.length - 1] = { role: message.role, content: `${previous.content}\n\n${message.content}` };
    } else {
      merged.push({ role: message.role, content: message.content });
    }
  }
  const history = merged.map(toHistoryItem);
  history.push({ type: "model", response: [] });
  return history;
}

function toHistoryItem(message: ChatMessage): ChatHistoryItem {
  if (message.role === "system") return { type: "system", text: message.content };
  if (message.role === "user") return { type: "user", text: message.content };
  return { type: "model", response: [message.content] };
}
