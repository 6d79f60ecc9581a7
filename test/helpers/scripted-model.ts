import { CancelledError, ModelError } from "../../src/core/errors.js";
import type { ChatModel, StructuredAnswer, StructuredCall } from "../../src/llm/chat-model.js";
import { StructuredOutputError } from "../../src/llm/structured-output-error.js";

/** A scripted answer: a value, or a function of the call (and of how many calls this key already answered). */
export type ScriptedAnswer = unknown | ((call: StructuredCall<unknown>, index: number) => unknown);

/**
 * Script keyed by `agent:SchemaName`, `agent` or `SchemaName` (most specific first). An array answers successive
 * calls in order and repeats its last entry. A function may throw to simulate a failing call.
 */
export type Script = Record<string, ScriptedAnswer | ScriptedAnswer[]>;

/** One recorded call. */
export interface RecordedCall {
  agent: string;
  schemaName: string;
  messages: { role: string; content: string }[];
  maxTokens?: number;
  temperature?: number;
  seed?: number;
  /** The value answered (after validation), when the call succeeded. */
  value?: unknown;
}

/**
 * A ChatModel that answers from a script and records every call, so tests can assert what prompts contained
 * (e.g. that the second coder prompt carries the RCA). Answers are validated with the call's zod schema, like a
 * real backend: a scripted answer that does not match throws StructuredOutputError (`schema-mismatch`, keeping the
 * answer as `raw`), as a server that ignores `maxLength` would cause. Usage: 1 token per 4 characters.
 */
export class ScriptedModel implements ChatModel {
  readonly name = "scripted-model";
  readonly calls: RecordedCall[] = [];
  private readonly counters = new Map<string, number>();
  disposed = false;

  /** Tokens of the context this model claims (prompts are fitted to it); undefined = unknown, as by default. */
  readonly contextSize?: number;

  /**
   * @param options.contextSize  claim a context of this many tokens, so the loop fits prompts and answer caps to it
   *   (tokens counted as 1 per 4 characters, like the usage it reports)
   */
  constructor(
    private readonly script: Script,
    options: { contextSize?: number } = {},
  ) {
    if (options.contextSize !== undefined) this.contextSize = options.contextSize;
  }

  countTokens(text: string): number {
    return Math.ceil(text.length / 4);
  }

  async completeStructured<T>(call: StructuredCall<T>): Promise<StructuredAnswer<T>> {
    if (call.signal?.aborted) throw new CancelledError("model call cancelled");
    const recorded: RecordedCall = {
      agent: call.agent,
      schemaName: call.schemaName,
      messages: call.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(call.maxTokens !== undefined ? { maxTokens: call.maxTokens } : {}),
      ...(call.temperature !== undefined ? { temperature: call.temperature } : {}),
      ...(call.seed !== undefined ? { seed: call.seed } : {}),
    };
    this.calls.push(recorded);
    const key = [`${call.agent}:${call.schemaName}`, call.agent, call.schemaName].find((k) => k in this.script);
    if (!key) throw new ModelError(`scripted model has no answer for ${call.agent}:${call.schemaName}`);
    const index = this.counters.get(key) ?? 0;
    this.counters.set(key, index + 1);
    const entry = this.script[key];
    const answer = Array.isArray(entry) ? entry[Math.min(index, entry.length - 1)] : entry;
    const produced =
      typeof answer === "function"
        ? (answer as (c: StructuredCall<unknown>, i: number) => unknown)(call as StructuredCall<unknown>, index)
        : answer;
    const parsed = call.schema.safeParse(produced);
    const raw = JSON.stringify(produced) ?? "";
    if (!parsed.success) {
      throw new StructuredOutputError(
        `scripted answer for ${key} does not match ${call.schemaName}: ${parsed.error.message}`,
        { raw, schemaName: call.schemaName, failure: "schema-mismatch" },
        { cause: parsed.error },
      );
    }
    recorded.value = parsed.data;
    const promptChars = call.messages.reduce((sum, m) => sum + m.content.length, 0);
    return {
      value: parsed.data,
      raw,
      usage: { promptTokens: Math.ceil(promptChars / 4), completionTokens: Math.ceil(raw.length / 4) },
      durationMs: 1,
    };
  }

  /** Calls made by `agent` (optionally only with `schemaName`), oldest first. */
  callsFor(agent: string, schemaName?: string): RecordedCall[] {
    return this.calls.filter((c) => c.agent === agent && (schemaName === undefined || c.schemaName === schemaName));
  }

  /** The user message of a recorded call. */
  static userText(call: RecordedCall): string {
    return call.messages
      .filter((m) => m.role === "user")
      .map((m) => m.content)
      .join("\n");
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }
}
