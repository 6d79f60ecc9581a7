import { z } from "zod";
import type { ChatMessage } from "../llm/chat-model.js";

/** A message content part; only text parts are understood. */
const ContentPart = z.object({ type: z.literal("text"), text: z.string() }).loose();

/** One chat message of an OpenAI chat-completions request (`developer` is treated as `system`). */
export const RequestMessage = z
  .object({
    role: z.enum(["system", "developer", "user", "assistant"]),
    content: z.union([z.string(), z.array(ContentPart).max(256)]),
  })
  .loose();
export type RequestMessage = z.infer<typeof RequestMessage>;

/** `response_format`: free text, or JSON constrained by a schema (turned into a grammar). */
export const ResponseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 letters, digits, _ or -"),
      schema: z.record(z.string(), z.unknown()),
      strict: z.boolean().nullish(),
      description: z.string().optional(),
    }),
  }),
]);

/**
 * The subset of OpenAI's `POST /v1/chat/completions` body that `tanuki serve` implements. Unknown keys (tools,
 * logprobs, …) are accepted and ignored, so IDE clients that send them still work.
 */
export const ChatCompletionRequest = z
  .object({
    model: z.string().min(1).max(200),
    messages: z.array(RequestMessage).min(1).max(512),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).loose().nullish(),
    max_tokens: z.number().int().min(1).nullish(),
    max_completion_tokens: z.number().int().min(1).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    seed: z.number().int().nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(8)]).nullish(),
    response_format: ResponseFormat.nullish(),
  })
  .loose();
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/** Validation outcome: the request, or one line per problem. */
export type ParsedRequest = { ok: true; request: ChatCompletionRequest } | { ok: false; problems: string[] };

/** Validates a parsed JSON body. */
export function parseChatCompletionRequest(body: unknown): ParsedRequest {
  const parsed = ChatCompletionRequest.safeParse(body);
  if (parsed.success) return { ok: true, request: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`),
  };
}

/** The request's messages as Tanuki chat messages (content parts joined, `developer` → `system`). */
export function toChatMessages(messages: readonly RequestMessage[]): ChatMessage[] {
  return messages.map((message) => ({
    role: message.role === "developer" ? "system" : message.role,
    content: typeof message.content === "string" ? message.content : message.content.map((p) => p.text).join(""),
  }));
}
