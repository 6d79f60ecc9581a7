import { z } from "zod";
import { type FieldProblem, findUnsupportedKey } from "./unsupported-fields.js";

/** A text content part. Other kinds (images, audio, files) are refused by name in {@link findUnsupported}. */
const ContentPart = z.object({ type: z.string(), text: z.string().optional() }).loose();
const Content = z.union([z.string(), z.array(ContentPart).max(256)]);

/** OpenAI's function name rule. */
const FunctionName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "1-64 letters, digits, _ or -");

/** A tool call in an assistant message (OpenAI wire format). */
const RequestToolCall = z.object({
  id: z.string().min(1).max(200),
  type: z.literal("function"),
  function: z.object({ name: FunctionName, arguments: z.string().max(1_000_000) }),
});

/** One chat message of an OpenAI chat-completions request (`developer` is treated as `system`). */
export const RequestMessage = z.discriminatedUnion("role", [
  z.object({ role: z.enum(["system", "developer", "user"]), content: Content, name: z.string().optional() }).loose(),
  z
    .object({
      role: z.literal("assistant"),
      content: Content.nullish(),
      tool_calls: z.array(RequestToolCall).max(64).nullish(),
      name: z.string().optional(),
    })
    .loose(),
  z.object({ role: z.literal("tool"), content: Content, tool_call_id: z.string().min(1).max(200) }).loose(),
]);
export type RequestMessage = z.infer<typeof RequestMessage>;

/** `response_format`: free text, or JSON constrained by a schema (turned into a grammar). */
export const ResponseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: FunctionName,
      schema: z.record(z.string(), z.unknown()),
      strict: z.boolean().nullish(),
      description: z.string().optional(),
    }),
  }),
]);

/** One `tools` entry: a function with a JSON Schema for its arguments. */
export const RequestTool = z.object({
  type: z.literal("function"),
  function: z
    .object({
      name: FunctionName,
      description: z.string().max(10_000).optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    })
    .loose(),
});
export type RequestTool = z.infer<typeof RequestTool>;

/** `tool_choice`: let the model decide, forbid calls, require one, or name the function to call. */
export const ToolChoice = z.union([
  z.enum(["auto", "none", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: FunctionName }) }),
]);
export type ToolChoice = z.infer<typeof ToolChoice>;

/**
 * The subset of OpenAI's `POST /v1/chat/completions` body that `tanuki serve` implements. Other keys are checked
 * by {@link findUnsupported}: those that only describe the caller are ignored, every other one is refused.
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
    frequency_penalty: z.number().min(0).max(2).nullish(),
    presence_penalty: z.number().min(0).max(2).nullish(),
    n: z.literal(1).nullish(),
    response_format: ResponseFormat.nullish(),
    tools: z.array(RequestTool).max(128).nullish(),
    tool_choice: ToolChoice.nullish(),
    parallel_tool_calls: z.boolean().nullish(),
  })
  .loose();
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequest>;

/**
 * The first chat-completion feature `tanuki serve` does not implement, as `{ param, message }` (400 naming the
 * field), or undefined: an unknown key (see {@link findUnsupportedKey}), or a content part other than text.
 */
export function findUnsupported(body: Record<string, unknown>): FieldProblem | undefined {
  const unknown = findUnsupportedKey(body, Object.keys(ChatCompletionRequest.shape));
  if (unknown) return unknown;
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const [i, message] of messages.entries()) {
    const content = (message as { content?: unknown })?.content;
    if (!Array.isArray(content)) continue;
    for (const [j, part] of content.entries()) {
      const type = (part as { type?: unknown })?.type;
      if (type !== "text") {
        return {
          param: `messages[${i}].content[${j}].type`,
          message: `${JSON.stringify(type)} parts are not supported (text only)`,
        };
      }
    }
  }
  return undefined;
}

/** Validation outcome: the request, or one line per problem. */
export type ParsedRequest =
  | { ok: true; request: ChatCompletionRequest }
  | { ok: false; problems: string[] /** Path of the first invalid field (OpenAI's `param`). */; param: string };

/** Validates a parsed JSON body. */
export function parseChatCompletionRequest(body: unknown): ParsedRequest {
  const parsed = ChatCompletionRequest.safeParse(body);
  if (parsed.success) return { ok: true, request: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => `${issue.path.join(".") || "(body)"}: ${issue.message}`),
    param: parsed.error.issues[0]?.path.join(".") || "(body)",
  };
}

/** The text of a message's content (text parts joined); null/absent = empty. */
export function contentText(content: string | readonly { text?: string }[] | null | undefined): string {
  if (content == null) return "";
  return typeof content === "string" ? content : content.map((part) => part.text ?? "").join("");
}
