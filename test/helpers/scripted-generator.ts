import type {
  GeneratedToolCall,
  TextGenerationRequest,
  TextGenerationResult,
} from "../../src/llm/llama-cpp-options.js";
import type { ServeGenerator } from "../../src/serve/serve-generator.js";

/**
 * A `ServeGenerator` for HTTP tests of `tanuki serve`: answers every request with `reply` (streamed in `chunks`
 * pieces) and records the requests it got. `toolCalls` answers with those calls instead (streamed through
 * `onToolCall` when the request offers tools). `delayMs` makes it slow; `fail` makes it throw.
 */
export class ScriptedGenerator implements ServeGenerator {
  readonly name = "scripted";
  readonly requests: TextGenerationRequest[] = [];

  constructor(
    private readonly options: {
      reply?: string;
      chunks?: number;
      contextSize?: number;
      delayMs?: number;
      fail?: Error;
      toolCalls?: GeneratedToolCall[];
    } = {},
  ) {}

  get contextSize(): number {
    return this.options.contextSize ?? 2048;
  }

  adapterFor(agent: string) {
    return agent === "tanuki-coder" ? { filePath: "/adapters/coder.gguf", scale: 0.8 } : undefined;
  }

  async generateText(request: TextGenerationRequest): Promise<TextGenerationResult> {
    this.requests.push(request);
    if (this.options.delayMs) await new Promise((resolve) => setTimeout(resolve, this.options.delayMs));
    if (this.options.fail) throw this.options.fail;
    const calls = request.tools?.length ? (this.options.toolCalls ?? []) : [];
    if (calls.length > 0) {
      for (const [index, call] of calls.entries()) {
        request.onToolCall?.({ index, name: call.name });
        request.onToolCall?.({ index, name: call.name, arguments: call.arguments });
      }
      return {
        text: "",
        finishReason: "tool_calls",
        toolCalls: calls,
        usage: { promptTokens: 7, completionTokens: 5 },
        durationMs: 1,
        meta: {},
      };
    }
    const text = this.options.reply ?? '{"ok":true}';
    const pieces = Math.max(1, this.options.chunks ?? 3);
    const size = Math.ceil(text.length / pieces);
    for (let i = 0; i < text.length; i += size) request.onTextChunk?.(text.slice(i, i + size));
    return {
      text,
      finishReason: "stop",
      usage: { promptTokens: 7, completionTokens: pieces },
      durationMs: 1,
      meta: {},
    };
  }
}
