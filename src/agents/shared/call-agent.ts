import type { z } from "zod";
import type { ChatMessage, ChatModel } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import { fitMessages, TEMPLATE_RESERVE_TOKENS } from "./fit-to-context.js";

/** A validated agent answer and what it cost. */
export interface AgentResult<T> {
  value: T;
  /** Tokens of this call (prompt and completion). */
  usage: { promptTokens: number; completionTokens: number };
  /** Raw JSON text the model produced. */
  raw: string;
  /** Wall time of the call, ms. */
  durationMs: number;
}

/**
 * One structured call for a roster agent: its id, sampling settings and token cap go to the ChatModel port.
 *
 * When the model tells its context size and can count tokens, the messages are fitted to the context first
 * (see {@link fitMessages}), so a long diff or log never makes a call fail for length.
 *
 * @param seed  sampling seed (candidate plans use different seeds)
 * @throws ModelError when the backend fails or the answer does not parse; CancelledError when `signal` aborts
 */
export async function callAgent<T>(
  model: ChatModel,
  entry: RosterEntry,
  call: { messages: ChatMessage[]; schema: z.ZodType<T>; schemaName: string; seed?: number },
  signal?: AbortSignal,
): Promise<AgentResult<T>> {
  const count = model.countTokens?.bind(model);
  const messages =
    model.contextSize && count
      ? fitMessages(call.messages, model.contextSize - entry.sampling.maxTokens - TEMPLATE_RESERVE_TOKENS, count)
      : call.messages;
  const answer = await model.completeStructured({
    agent: entry.id,
    messages,
    schema: call.schema,
    schemaName: call.schemaName,
    maxTokens: entry.sampling.maxTokens,
    temperature: entry.sampling.temperature,
    seed: call.seed,
    signal,
  });
  return { value: answer.value, usage: answer.usage, raw: answer.raw, durationMs: answer.durationMs };
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
