import type { TokenUsage } from "../core/run-result.js";
import type { TraceSink } from "../core/trace.js";
import type { ChatModel, StructuredAnswer, StructuredCall } from "../llm/chat-model.js";

/** Token usage per agent plus the total, as the RunResult reports it. */
export interface UsageLedger {
  total: TokenUsage;
  byAgent: Record<string, TokenUsage>;
}

/** An empty ledger. */
export function emptyUsage(): UsageLedger {
  return { total: { promptTokens: 0, completionTokens: 0, calls: 0 }, byAgent: {} };
}

/**
 * A ChatModel decorator that records every call in the trace (messages, schema, raw output, parsed value or error,
 * tokens, duration) and adds its tokens to a ledger. `beforeCall` runs first (the loop checks its budgets there and
 * may throw); `signal` is used when the call brings none.
 */
export class TracedModel implements ChatModel {
  readonly usage: UsageLedger = emptyUsage();

  constructor(
    private readonly inner: ChatModel,
    private readonly trace: TraceSink,
    private readonly options: { beforeCall?: () => void; signal?: AbortSignal; now?: () => number } = {},
  ) {}

  get name(): string {
    return this.inner.name;
  }

  get contextSize(): number | undefined {
    return this.inner.contextSize;
  }

  countTokens(text: string): number {
    // Backends without a tokenizer: estimate ~4 characters per token (typical of BPE vocabularies on code).
    return this.inner.countTokens ? this.inner.countTokens(text) : Math.ceil(text.length / 4);
  }

  /** Total tokens (prompt + completion) spent so far. */
  get tokensUsed(): number {
    return this.usage.total.promptTokens + this.usage.total.completionTokens;
  }

  async completeStructured<T>(call: StructuredCall<T>): Promise<StructuredAnswer<T>> {
    this.options.beforeCall?.();
    const now = this.options.now ?? (() => performance.now());
    /** The fields the success and the error record share. */
    const record = {
      kind: "model-call" as const,
      agent: call.agent,
      at: new Date().toISOString(),
      messages: call.messages.map((message) => ({ role: message.role, content: message.content })),
      schema: call.schemaName,
    };
    const started = now();
    const promptChars = call.messages.reduce((sum, message) => sum + message.content.length, 0);
    try {
      const answer = await this.inner.completeStructured({ ...call, signal: call.signal ?? this.options.signal });
      this.add(call.agent, answer.usage.promptTokens, answer.usage.completionTokens, promptChars);
      this.trace.record({
        ...record,
        output: answer.raw,
        parsed: answer.value,
        promptTokens: answer.usage.promptTokens,
        completionTokens: answer.usage.completionTokens,
        durationMs: answer.durationMs,
        ...(answer.meta ? { meta: answer.meta } : {}),
      });
      return answer;
    } catch (error) {
      const { raw, rawText } = error as { raw?: unknown; rawText?: unknown };
      const output = raw ?? rawText;
      this.add(call.agent, 0, 0, promptChars);
      this.trace.record({
        ...record,
        output: typeof output === "string" ? output : "",
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        promptTokens: 0,
        completionTokens: 0,
        durationMs: now() - started,
      });
      throw error;
    }
  }

  /** The wrapped model is owned by the caller of the loop: disposing the decorator does nothing. */
  async dispose(): Promise<void> {}

  private add(agent: string, promptTokens: number, completionTokens: number, promptChars: number): void {
    const entry = this.usage.byAgent[agent] ?? { promptTokens: 0, completionTokens: 0, calls: 0 };
    this.usage.byAgent[agent] = entry;
    for (const usage of [entry, this.usage.total]) {
      usage.promptTokens += promptTokens;
      usage.completionTokens += completionTokens;
      usage.calls += 1;
      // Prompt size per agent (run.json): what each agent was shown, independent of the backend's token counts.
      usage.promptChars = (usage.promptChars ?? 0) + promptChars;
      usage.maxPromptChars = Math.max(usage.maxPromptChars ?? 0, promptChars);
    }
  }
}
