import { afterEach, describe, expect, it } from "vitest";
import { CancelledError, ConfigError } from "../../../src/core/errors.js";
import { ContextOverflowError } from "../../../src/llm/context-overflow-error.js";
import type { TextGenerationRequest, TextGenerationResult } from "../../../src/llm/llama-cpp-options.js";
import { isAuthorized, isLoopbackHost } from "../../../src/serve/auth.js";
import { type ServeOptions, type ServeServer, startServeServer } from "../../../src/serve/serve-server.js";
import { ScriptedGenerator } from "../../helpers/scripted-generator.js";

const AGENTS = ["tanuki-coder", "tanuki-tester"];
let server: ServeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: Partial<ServeOptions> = {}, generator = new ScriptedGenerator()) {
  server = await startServeServer({ generator, agents: AGENTS, port: 0, ...options });
  return { url: server.url, generator };
}

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const valid = { model: "tanuki-coder", messages: [{ role: "user", content: "hi" }] };

describe("tanuki serve HTTP endpoint", () => {
  it("refuses to bind beyond loopback without a token", async () => {
    await expect(
      startServeServer({ generator: new ScriptedGenerator(), agents: AGENTS, host: "0.0.0.0", port: 0 }),
    ).rejects.toBeInstanceOf(ConfigError);
  });

  it("requires the bearer token on the API but not on /health", async () => {
    const { url } = await start({ token: "s3cret" });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect((await fetch(`${url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${url}/v1/models`, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
    expect((await post(url, valid)).status).toBe(401);
    const ok = await fetch(`${url}/v1/models`, { headers: { authorization: "Bearer s3cret" } });
    expect(ok.status).toBe(200);
    const body = (await ok.json()) as { data: { id: string; adapter: unknown; context_length: number }[] };
    expect(body.data.map((m) => m.id)).toEqual(AGENTS);
    expect(body.data[0]).toMatchObject({ adapter: { file: "coder.gguf", scale: 0.8 }, context_length: 2048 });
  });

  it("answers a chat completion in OpenAI's shape and passes the request through", async () => {
    const { url, generator } = await start();
    const response = await post(url, {
      ...valid,
      messages: [
        { role: "developer", content: "be brief" },
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        },
      ],
      max_tokens: 50,
      temperature: 0.5,
      stop: "END",
      user: "someone",
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "Ok",
          schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
        },
      },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "tanuki-coder",
      choices: [{ index: 0, message: { role: "assistant", content: '{"ok":true}' }, finish_reason: "stop" }],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
    expect(generator.requests[0]).toMatchObject({
      agent: "tanuki-coder",
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "ab" },
      ],
      maxTokens: 50,
      temperature: 0.5,
      stop: ["END"],
      jsonSchema: { name: "Ok" },
    });
  });

  it("streams server-sent events", async () => {
    const { url } = await start({}, new ScriptedGenerator({ reply: "abcdef", chunks: 3 }));
    const response = await post(url, { ...valid, stream: true });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = (await response.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, "")));
    expect(chunks.map((c) => c.choices[0].delta.content ?? "").join("")).toBe("abcdef");
    expect(chunks.at(-1).choices[0].finish_reason).toBe("stop");
  });

  it.each([
    ["not JSON", "{nope", 400, "invalid_json"],
    ["no messages", { model: "tanuki-coder", messages: [] }, 400, "invalid_request"],
    ["a bad role", { model: "tanuki-coder", messages: [{ role: "tool", content: "x" }] }, 400, "invalid_request"],
    ["a bad temperature", { ...valid, temperature: 7 }, 400, "invalid_request"],
    ["an unknown model", { ...valid, model: "gpt-4" }, 404, "model_not_found"],
    ["an assistant turn last", { ...valid, messages: [{ role: "assistant", content: "x" }] }, 400, "invalid_value"],
    ["max_tokens beyond the context", { ...valid, max_tokens: 5000 }, 400, "invalid_value"],
    [
      "a schema a grammar cannot express",
      {
        ...valid,
        response_format: { type: "json_schema", json_schema: { name: "X", schema: { type: "string", pattern: "^a" } } },
      },
      400,
      "invalid_value",
    ],
  ])("rejects %s", async (_what, body, status, code) => {
    const { url, generator } = await start();
    const response = await post(url, body);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(generator.requests).toHaveLength(0);
  });

  it("rejects a body over the size limit with 413 and a wrong content type with 415", async () => {
    const { url } = await start({ maxBodyBytes: 2048 });
    const big = { ...valid, messages: [{ role: "user", content: "x".repeat(5000) }] };
    expect((await post(url, big)).status).toBe(413);
    const text = await fetch(`${url}/v1/chat/completions`, { method: "POST", body: JSON.stringify(valid) });
    expect(text.status).toBe(415);
  });

  it("maps a prompt that does not fit to 400 and a model failure to 500", async () => {
    const overflow = new ContextOverflowError("text", { promptTokens: 3000, maxTokens: 10, contextSize: 2048 });
    const { url } = await start({}, new ScriptedGenerator({ fail: overflow }));
    const response = await post(url, valid);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("context_length_exceeded");
    await server?.close();
    const failing = await start({}, new ScriptedGenerator({ fail: new Error("boom") }));
    expect((await post(failing.url, valid)).status).toBe(500);
  });

  it("rate limits per client with 429 and Retry-After, before checking the token", async () => {
    const { url } = await start({ token: "t", rateLimit: { requests: 3, windowSeconds: 60 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${url}/v1/models`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await fetch(`${url}/v1/models`, { headers: { authorization: "Bearer t" } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("auth helpers", () => {
  it("knows loopback hosts", () => {
    expect(["127.0.0.1", "127.8.0.1", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"].every(isLoopbackHost)).toBe(
      true,
    );
    expect(["0.0.0.0", "::", "192.168.1.2", "example.com"].some(isLoopbackHost)).toBe(false);
  });

  it("compares bearer tokens exactly", () => {
    expect(isAuthorized("Bearer abc", "abc")).toBe(true);
    expect(isAuthorized("bearer abc", "abc")).toBe(true);
    expect(isAuthorized("Bearer abcd", "abc")).toBe(false);
    expect(isAuthorized("abc", "abc")).toBe(false);
    expect(isAuthorized(undefined, "abc")).toBe(false);
    expect(isAuthorized(undefined, undefined)).toBe(true);
  });
});

describe("tanuki serve HTTP edges", () => {
  it("answers unknown routes with 404 and other methods on chat completions with 405, in OpenAI's shape", async () => {
    const { url } = await start();
    const missing = await fetch(`${url}/v1/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { type: "not_found_error", code: "not_found" } });
    const get = await fetch(`${url}/v1/chat/completions`);
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ error: { code: "method_not_allowed" } });
  });

  it("answers 404 with the reason when the model serves no raw completions or embeddings", async () => {
    const { url } = await start();
    for (const path of ["completions", "embeddings"]) {
      const response = await fetch(`${url}/v1/${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "tanuki-coder", prompt: "x", input: "x" }),
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { code: "not_supported", message: /does not serve/ } });
    }
  });

  it("caps a chunked body that declares no length", async () => {
    const { url, generator } = await start({ maxBodyBytes: 2048 });
    const text = JSON.stringify({ ...valid, messages: [{ role: "user", content: "x".repeat(5000) }] });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(text));
        controller.close();
      },
    });
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(generator.requests).toHaveLength(0);
  });

  it("aborts the generation when a streaming client disconnects", async () => {
    const generator = new WaitingGenerator();
    const { url } = await start({}, generator as unknown as ScriptedGenerator);
    const response = await post(url, { ...valid, stream: true });
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain("chat.completion.chunk");
    await reader?.cancel();
    await expect(generator.aborted).resolves.toBe(true);
  });
});

/** Streams one chunk, then waits until the request's signal aborts. */
class WaitingGenerator {
  readonly name = "waiting";
  readonly contextSize = 2048;
  private resolveAborted: (value: boolean) => void = () => undefined;
  readonly aborted = new Promise<boolean>((resolve) => {
    this.resolveAborted = resolve;
  });

  async generateText(request: TextGenerationRequest): Promise<TextGenerationResult> {
    request.onTextChunk?.("once");
    await new Promise<void>((resolve) => request.signal?.addEventListener("abort", () => resolve(), { once: true }));
    this.resolveAborted(true);
    throw new CancelledError("model call cancelled");
  }
}
