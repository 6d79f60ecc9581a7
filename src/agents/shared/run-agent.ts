import type { ChatMessage, ChatModel, StructuredAnswer } from "../../llm/chat-model.js";
import { StructuredOutputError } from "../../llm/structured-output-error.js";
import type { RosterEntry } from "../roster.js";
import type { AgentTask, PromptBudget } from "./agent-task.js";
import { measureCharsPerToken } from "./answer-size.js";
import { fitMessages, TEMPLATE_RESERVE_TOKENS } from "./fit-to-context.js";
import { InvalidAnswerError } from "./invalid-answer-error.js";
import { untrusted } from "./prompt-parts.js";

/** A validated agent answer and what it cost. */
export interface AgentResult<T> {
  value: T;
  /** Tokens of the call(s) that answered (prompt and completion; a refused first answer counts 0, as traced). */
  usage: { promptTokens: number; completionTokens: number };
  /** Raw JSON text the model produced (of the accepted answer). */
  raw: string;
  /** Wall time of the call(s), ms. */
  durationMs: number;
  /** Model calls made: 1, or 2 when the first answer was invalid and the repair call fixed it. */
  calls: number;
  /** Characters of the prompt (all messages) of the last call. */
  promptChars: number;
}

/** Tokens kept free in the prompt budget for the repair section of a second call. */
export const REPAIR_RESERVE_TOKENS = 200;

/**
 * Room the prompt of a call may take: the model's context minus the answer cap, the chat template's markup and the
 * repair section; undefined when the model does not tell its context size.
 */
export function promptBudget(model: ChatModel, entry: RosterEntry): PromptBudget | undefined {
  if (!model.contextSize) return undefined;
  const count = model.countTokens ? model.countTokens.bind(model) : (text: string) => Math.ceil(text.length / 4);
  const tokens = model.contextSize - entry.sampling.maxTokens - TEMPLATE_RESERVE_TOKENS - REPAIR_RESERVE_TOKENS;
  return { tokens: Math.max(0, tokens), count };
}

/** What the model is told when its answer was refused, by kind of failure. */
function repairSection(error: StructuredOutputError, maxTokens: number, canContinue: boolean): string {
  const split = canContinue
    ? " When the work does not fit one answer, send part of it now and set `more` to true: you will be asked for the rest."
    : "";
  const why =
    error.failure === "max-tokens"
      ? `it was cut off at the cap of ${maxTokens} tokens before the JSON was complete. Answer again, shorter: fewer ` +
        `items and shorter texts.${split}`
      : `it was refused: ${error.failure === "invalid-json" ? "it is not valid JSON" : "it does not match the answer schema"}. ` +
        `Answer again with one JSON object that matches the schema, every text within its length limit.${split}`;
  return `## Your previous answer was not used\nYour previous answer to this prompt was not used: ${why}\n${untrusted(
    "validation errors",
    error.message,
  )}`;
}

/** The messages with `section` appended to the last user message (templates may refuse two user turns in a row). */
function withSection(messages: readonly ChatMessage[], section: string): ChatMessage[] {
  const last = messages.map((message) => message.role).lastIndexOf("user");
  return messages.map((message, index) =>
    index === last ? { ...message, content: `${message.content}\n\n${section}` } : { ...message },
  );
}

/**
 * Runs one agent task: builds its messages (within the prompt budget when the model tells its context size), asks
 * the ChatModel port for a structured answer with the entry's id, sampling settings and token cap, and turns the
 * answer into the task's value.
 *
 * An invalid answer (not JSON, not matching the schema, cut at the token cap: `StructuredOutputError`) gets ONE
 * repair call: the same prompt plus the validation errors. When that answer is invalid too, the call fails with
 * {@link InvalidAnswerError}, which the loop counts as a failed step, never as a crash.
 *
 * @throws InvalidAnswerError after two invalid answers; ModelError when the backend fails; CancelledError when
 *   `signal` aborts; Error (a programming error) when the entry may not run the task
 */
export async function runAgent<I, A, V>(
  model: ChatModel,
  entry: RosterEntry,
  task: AgentTask<I, A, V>,
  input: I,
  signal?: AbortSignal,
): Promise<AgentResult<V>> {
  if (entry.outputSchemaName !== task.schemaName && !task.alsoRunBy?.includes(entry.role)) {
    throw new Error(`${entry.id} (${entry.outputSchemaName}) cannot answer ${task.schemaName}`);
  }
  const schema = task.schema(
    { maxTokens: entry.sampling.maxTokens, charsPerToken: measureCharsPerToken(model.countTokens?.bind(model)) },
    input,
  );
  const budget = promptBudget(model, entry);
  const built = task.messages(entry, input, budget);
  const fitted = (messages: ChatMessage[]) =>
    budget ? fitMessages(messages, budget.tokens + REPAIR_RESERVE_TOKENS, budget.count) : messages;
  const seed = task.seed?.(input);
  const ask = (messages: ChatMessage[]): Promise<StructuredAnswer<A>> =>
    model.completeStructured({
      agent: entry.id,
      messages,
      schema,
      schemaName: task.schemaName,
      maxTokens: entry.sampling.maxTokens,
      temperature: entry.sampling.temperature,
      ...(seed !== undefined ? { seed } : {}),
      signal,
    });
  const chars = (messages: readonly ChatMessage[]) =>
    messages.reduce((sum, message) => sum + message.content.length, 0);
  let messages = fitted(built);
  let answer: StructuredAnswer<A>;
  let calls = 1;
  try {
    answer = await ask(messages);
  } catch (first) {
    if (!(first instanceof StructuredOutputError)) throw first;
    const canContinue = "more" in ((schema as unknown as { shape?: object }).shape ?? {});
    messages = fitted(withSection(built, repairSection(first, entry.sampling.maxTokens, canContinue)));
    calls = 2;
    try {
      answer = await ask(messages);
    } catch (second) {
      if (!(second instanceof StructuredOutputError)) throw second;
      throw new InvalidAnswerError(entry.id, task.schemaName, [first.message, second.message], { cause: second });
    }
  }
  return {
    value: task.finish(answer.value, input),
    usage: answer.usage,
    raw: answer.raw,
    durationMs: answer.durationMs,
    calls,
    promptChars: chars(messages),
  };
}
