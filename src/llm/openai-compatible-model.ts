import OpenAI, { APIConnectionError, APIError, APIUserAbortError } from "openai";
import { CancelledError, ModelError } from "../core/errors.js";
import type { AgentAdapter } from "./adapter-contexts.js";
import { AnswerCapError, answerByteCap, cappedFetch, findAnswerCapError, utf8Head } from "./answer-cap.js";
import type { ChatModel, StructuredAnswer, StructuredCall } from "./chat-model.js";
import { type LoraScale, loraFieldsFor } from "./llama-server-lora.js";
import { parseStructured } from "./parse-structured.js";
import { StructuredOutputError } from "./structured-output-error.js";
import { zodToGbnfSchema } from "./zod-to-gbnf.js";

/** Options of {@link OpenAICompatibleModel}. */
export interface OpenAICompatibleOptions {
  /** API root, e.g. `http://localhost:8000/v1` (vLLM), `http://localhost:8080/v1` (llama-server). */
  baseUrl: string;
  /** Bearer token. Default none (sent as `none`, which servers without auth ignore). */
  apiKey?: string;
  /** Served model for agents not in `models`. Default: the agent id (`tanuki-coder`, …). */
  defaultModel?: string;
  /** Agent id → served model name (e.g. a vLLM LoRA module name). */
  models?: Readonly<Record<string, string>>;
  /** Time limit of one call, retries included, ms. Default 120,000. */
  timeoutMs?: number;
  /** Retries on connection errors, 408/409/429 and 5xx (the client's exponential backoff). Default 2. */
  maxRetries?: number;
  /** Served context size, tokens (prompt + answer). Default unknown; {@link connect} asks the server. */
  contextSize?: number;
  /** Send `strict: true` with the JSON schema. Default true. */
  strict?: boolean;
  /** Name for reports. Default `<model>@<host>`. */
  name?: string;
  /**
   * Each agent's LoRA adapter (the manifest's file and scale). When the server is llama.cpp's llama-server and has
   * loaded adapters with the same file names (`--lora`), {@link connect} learns their ids and every call sends
   * llama-server's per-request `lora` field: the agent's adapter at its scale, every other adapter at 0. Default none.
   */
  loraAdapters?: Readonly<Record<string, AgentAdapter>>;
  /** Per-agent `lora` fields found by {@link connect} (internal; agents not listed get `[]`). */
  loraFields?: Readonly<Record<string, LoraScale[]>>;
}

/** What a model and its {@link OpenAICompatibleModel.withModels} views share: the HTTP client and disposal. */
interface SharedClient {
  client: OpenAI;
  closed: boolean;
}

/** Characters per token assumed by {@link OpenAICompatibleModel.countTokens}: low, so prompts err on fitting. */
const CHARS_PER_TOKEN = 3;

/**
 * `ChatModel` over an OpenAI-compatible chat-completions server (vLLM with one served model per LoRA adapter,
 * llama.cpp's llama-server, Ollama, `tanuki serve`), through the `openai` client: each agent's call goes to its
 * served model, with `response_format: { type: "json_schema" }` built from the zod schema, streamed (SSE), then
 * validated with zod. A call has one time limit covering its retries.
 */
export class OpenAICompatibleModel implements ChatModel {
  readonly name: string;
  readonly contextSize?: number;
  private readonly shared: SharedClient;
  private readonly timeoutMs: number;
  private readonly host: string;
  /** True for a view made by {@link withModels}: its `dispose()` leaves the shared client open. */
  private readonly isView: boolean;

  /**
   * @param options server, key, model names and limits
   * @param shared internal: the client of the model a {@link withModels} view is made from
   */
  constructor(
    private readonly options: OpenAICompatibleOptions,
    shared?: SharedClient,
  ) {
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.host = new URL(options.baseUrl).host;
    this.isView = shared !== undefined;
    this.shared = shared ?? {
      client: new OpenAI({
        baseURL: options.baseUrl,
        apiKey: options.apiKey ?? "none",
        timeout: this.timeoutMs,
        maxRetries: options.maxRetries ?? 2,
        // A server that ignores max_tokens must not cost unbounded memory: bodies end at a cap (see answer-cap).
        fetch: cappedFetch(),
      }),
      closed: false,
    };
    this.contextSize = options.contextSize;
    this.name = options.name ?? `${options.defaultModel ?? "tanuki-*"}@${this.host}`;
  }

  /**
   * Creates the backend after asking the server for its models (`GET /models`): checks that it answers and
   * accepts the key, and reads the context size when the server reports one (`max_model_len` from vLLM,
   * `context_length` from `tanuki serve`, `meta.n_ctx_train` from llama-server) and none was configured. With
   * `loraAdapters`, also asks llama-server which adapters it loaded (see {@link loraFieldsFor}).
   *
   * @throws ModelError when the server cannot be reached within the timeout or refuses the key
   */
  static async connect(options: OpenAICompatibleOptions): Promise<OpenAICompatibleModel> {
    const probe = new OpenAICompatibleModel(options);
    let models: Record<string, unknown>[];
    try {
      const page = await probe.shared.client.models.list({ timeout: probe.timeoutMs, maxRetries: 0 });
      models = page.data as unknown as Record<string, unknown>[];
    } catch (error) {
      throw probe.toModelError(error, "GET /models");
    }
    const loraFields = options.loraAdapters
      ? await loraFieldsFor(options.baseUrl, options.loraAdapters, {
          apiKey: options.apiKey,
          timeoutMs: probe.timeoutMs,
        })
      : undefined;
    const wanted = options.defaultModel;
    const entry = models.find((m) => m.id === wanted) ?? models[0];
    const contextSize = options.contextSize ?? (entry ? servedContextSize(entry) : undefined);
    if (contextSize === options.contextSize && loraFields === undefined) return probe;
    return new OpenAICompatibleModel({ ...options, contextSize, ...(loraFields ? { loraFields } : {}) });
  }

  /** The served model an agent's calls go to. */
  modelFor(agent: string): string {
    return this.options.models?.[agent] ?? this.options.defaultModel ?? agent;
  }

  /**
   * A view of this model whose agents listed in `overrides` (agent id → served model name) call those models;
   * other agents keep this model's choice (its `models` map, then `defaultModel`, then the agent id). Used for a
   * repository's per-agent choice (`.github/tanuki.yml` `models`) for one job without touching the shared model.
   * The view shares this model's HTTP client, limits and context size; its `dispose()` does nothing, and it stops
   * working when this model is disposed. No override returns `this`.
   */
  withModels(overrides: Readonly<Record<string, string>>): OpenAICompatibleModel {
    if (Object.keys(overrides).length === 0) return this;
    return new OpenAICompatibleModel(
      { ...this.options, name: this.name, models: { ...this.options.models, ...overrides } },
      this.shared,
    );
  }

  /**
   * An estimate (one token per 3 characters, on the high side for code and prose), since the chat-completions
   * API has no tokenizer endpoint: agents fit their prompts with it.
   */
  countTokens(text: string): number {
    return Math.ceil(text.length / CHARS_PER_TOKEN);
  }

  /**
   * @throws ModelError (timeout, unreachable server, refused key, unknown model, HTTP error) naming the server
   * @throws StructuredOutputError when the answer was cut at `maxTokens` or does not validate (keeps `raw`), or
   *   when the server ignored `max_tokens` and the answer passed its byte cap (`answerByteCap`: 64 bytes per token;
   *   the HTTP body is cut at `responseByteCap`), `failure: "max-tokens"`, `raw` at most the cap
   * @throws CancelledError when `call.signal` aborts
   */
  async completeStructured<T>(call: StructuredCall<T>): Promise<StructuredAnswer<T>> {
    const started = performance.now();
    if (call.signal?.aborted) throw new CancelledError("model call cancelled", { cause: call.signal.reason });
    if (this.shared.closed) throw new ModelError("The model has been disposed");
    const { jsonSchema } = zodToGbnfSchema(call.schema, call.schemaName);
    const model = this.modelFor(call.agent);
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const signal = call.signal ? AbortSignal.any([call.signal, deadline]) : deadline;
    let raw = "";
    let rawBytes = 0;
    const byteCap = answerByteCap(call.maxTokens);
    let finishReason: string | null = null;
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    let firstTokenMs: number | undefined;
    try {
      const stream = await this.shared.client.chat.completions.create(
        {
          model,
          messages: call.messages.map((m) => ({ role: m.role, content: m.content })),
          response_format: {
            type: "json_schema",
            json_schema: {
              name: call.schemaName,
              schema: withoutMetaKeys(jsonSchema),
              strict: this.options.strict ?? true,
            },
          },
          ...(call.maxTokens !== undefined ? { max_tokens: call.maxTokens } : {}),
          temperature: call.temperature ?? 0,
          ...(call.seed !== undefined ? { seed: call.seed } : {}),
          ...(this.options.loraFields ? { lora: this.options.loraFields[call.agent] ?? [] } : {}),
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal },
      );
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) {
          firstTokenMs ??= performance.now() - started;
          raw += delta;
          rawBytes += Buffer.byteLength(delta);
          // Leaving the loop aborts the request: the server stops streaming to us.
          if (rawBytes > byteCap) throw new AnswerCapError(byteCap);
        }
        if (choice?.finish_reason) finishReason = choice.finish_reason;
        if (chunk.usage) usage = chunk.usage;
      }
    } catch (error) {
      if (call.signal?.aborted) throw new CancelledError("model call cancelled", { cause: error });
      const capped = findAnswerCapError(error);
      if (capped) {
        throw new StructuredOutputError(
          `${call.schemaName}: ${this.host} ignores max_tokens=${call.maxTokens ?? "unset"} (model ${model}): the ` +
            `answer passed ${capped.limitBytes} bytes and was cut there; check the server's settings`,
          { raw: utf8Head(raw, byteCap), schemaName: call.schemaName, failure: "max-tokens" },
          { cause: error },
        );
      }
      if (deadline.aborted) {
        throw new ModelError(
          `${this.host} gave no complete answer within ${this.timeoutMs} ms (model ${model}); check the server or ` +
            "raise TANUKI_OPENAI_TIMEOUT_MS",
          { cause: error },
        );
      }
      throw this.toModelError(error, `${call.schemaName} (model ${model})`);
    }
    if (finishReason === "length") {
      throw new StructuredOutputError(
        `${call.schemaName}: the answer was cut off at max_tokens=${call.maxTokens ?? "server default"} before the ` +
          "JSON was complete; raise maxTokens or bound the schema's strings and arrays with .max()",
        { raw, schemaName: call.schemaName, failure: "max-tokens" },
      );
    }
    const value = parseStructured(raw, call.schema, call.schemaName, jsonSchema);
    const promptTokens = usage?.prompt_tokens ?? this.countTokens(call.messages.map((m) => m.content).join("\n"));
    return {
      value,
      raw,
      usage: { promptTokens, completionTokens: usage?.completion_tokens ?? this.countTokens(raw) },
      durationMs: performance.now() - started,
      meta: {
        backend: "openai-compatible",
        server: this.host,
        model,
        agent: call.agent,
        schemaName: call.schemaName,
        streamed: true,
        firstTokenMs: firstTokenMs ?? null,
        finishReason,
        usageReported: usage !== undefined,
        ...(this.options.loraFields ? { lora: this.options.loraFields[call.agent] ?? [] } : {}),
      },
    };
  }

  /**
   * Nothing to release but the client; later calls fail, also through the {@link withModels} views. A view's
   * `dispose()` does nothing (the model it came from owns the client). Idempotent.
   */
  async dispose(): Promise<void> {
    if (!this.isView) this.shared.closed = true;
  }

  private toModelError(error: unknown, what: string): ModelError | CancelledError {
    if (error instanceof APIUserAbortError) return new CancelledError("model call cancelled", { cause: error });
    if (error instanceof APIConnectionError) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return new ModelError(
        `Cannot reach the model server ${this.options.baseUrl} (${cause?.code ?? cause?.message ?? error.message}) ` +
          `for ${what}; start it or fix TANUKI_OPENAI_BASE_URL`,
        { cause: error },
      );
    }
    if (error instanceof APIError) {
      const hint =
        error.status === 401 || error.status === 403
          ? "; set TANUKI_OPENAI_API_KEY to the server's token"
          : error.status === 404
            ? "; is this model served? (TANUKI_OPENAI_MODEL / TANUKI_OPENAI_MODELS)"
            : "";
      return new ModelError(`${this.host} answered HTTP ${error.status} for ${what}: ${error.message}${hint}`, {
        cause: error,
      });
    }
    return new ModelError(`${what} failed on ${this.host}: ${String(error)}`, { cause: error });
  }
}

/** The served context size a `/models` entry reports, when it does. */
function servedContextSize(entry: Record<string, unknown>): number | undefined {
  const meta = entry.meta as Record<string, unknown> | undefined;
  for (const value of [entry.max_model_len, entry.context_length, meta?.n_ctx, meta?.n_ctx_train]) {
    if (typeof value === "number" && Number.isInteger(value) && value > 0) return value;
  }
  return undefined;
}

/** `$schema` and friends say nothing about the answer and some servers reject them. */
function withoutMetaKeys(schema: unknown): Record<string, unknown> {
  if (typeof schema !== "object" || schema === null) return {};
  const { $schema: _schema, $id: _id, ...rest } = schema as Record<string, unknown>;
  return rest;
}
