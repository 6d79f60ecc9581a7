import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { isTanukiError } from "../../../src/core/errors.js";
import type { StructuredCall } from "../../../src/llm/chat-model.js";
import { OpenAICompatibleModel } from "../../../src/llm/openai-compatible-model.js";
import { STORIES_260K, writeLoraGguf } from "../../helpers/lora-gguf.js";
import { describeIfAvailable, testModelPath } from "../../helpers/requirements.js";
import { type ServeProcess, startServeProcess, stopServeProcess } from "../../helpers/serve-process.js";

const modelPath = testModelPath();
const describeServe = describeIfAvailable(modelPath !== undefined, "TANUKI_TEST_MODEL");
const TOKEN = "test-token-0123456789";

const Review = z.object({
  verdict: z.enum(["approve", "request-changes"]),
  summary: z.string().max(60),
  line: z.number().int().min(1).max(50).optional(),
});

function call(extra: Partial<StructuredCall<z.infer<typeof Review>>> = {}): StructuredCall<z.infer<typeof Review>> {
  return {
    agent: "tanuki-reviewer",
    messages: [
      { role: "system", content: "You review code. Answer with JSON." },
      { role: "user", content: "Once upon a time there was a function that added two numbers." },
    ],
    schema: Review,
    schemaName: "Review",
    maxTokens: 120,
    ...extra,
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: Error) => error,
  );
}

describeServe("OpenAICompatibleModel against a real `tanuki serve` process", () => {
  let dir: string;
  let serve: ServeProcess;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tanuki-serve-"));
    await writeLoraGguf(join(dir, "coder.gguf"), { base: STORIES_260K, seed: 5 });
    await writeFile(
      join(dir, "adapters.yml"),
      "version: 1\nbaseModel:\n  architecture: llama\n  embeddingLength: 64\nadapters:\n" +
        "  - agent: tanuki-coder\n    file: coder.gguf\n    scale: 1\n",
    );
    serve = await startServeProcess(["--model", modelPath as string, "--token", TOKEN], {
      TANUKI_ADAPTERS_DIR: dir,
      TANUKI_THREADS: "1",
    });
  });

  afterAll(async () => {
    await stopServeProcess(serve);
    await rm(dir, { recursive: true, force: true });
  });

  it("lists one model per agent, with the context size and the adapter it applies", async () => {
    const response = await fetch(`${serve.url}/models`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await response.json()) as { data: { id: string; context_length: number; adapter: unknown }[] };
    const coder = body.data.find((m) => m.id === "tanuki-coder");
    expect(coder).toMatchObject({ context_length: expect.any(Number), adapter: { file: "coder.gguf", scale: 1 } });
    expect(body.data.find((m) => m.id === "tanuki-reviewer")?.adapter).toBeNull();
  });

  it("answers structured calls that parse and validate, reading the context size from the server", async () => {
    const model = await OpenAICompatibleModel.connect({ baseUrl: serve.url, apiKey: TOKEN, timeoutMs: 60_000 });
    expect(model.contextSize).toBeGreaterThanOrEqual(1024);
    for (const agent of ["tanuki-reviewer", "tanuki-coder"]) {
      const answer = await model.completeStructured(call({ agent }));
      expect(Review.safeParse(answer.value).success).toBe(true);
      expect(() => JSON.parse(answer.raw)).not.toThrow();
      expect(answer.usage.promptTokens).toBeGreaterThan(0);
      expect(answer.usage.completionTokens).toBeGreaterThan(0);
      expect(answer.meta).toMatchObject({ model: agent, streamed: true, usageReported: true });
    }
  });

  it("applies each agent's adapter over HTTP: the coder (adapter) and the reviewer (base) differ", async () => {
    const complete = async (model: string) => {
      const response = await fetch(`${serve.url}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "Once upon a time" }], max_tokens: 16 }),
      });
      const body = (await response.json()) as { choices: { message: { content: string } }[] };
      return body.choices[0]?.message.content;
    };
    const [coder, reviewer] = [await complete("tanuki-coder"), await complete("tanuki-reviewer")];
    expect(coder).toBeTruthy();
    expect(coder).not.toBe(reviewer);
  });

  it("streams server-sent events chunk by chunk, ending with [DONE]", async () => {
    const response = await fetch(`${serve.url}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "tanuki-tester",
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: "user", content: "Once upon a time" }],
        max_tokens: 12,
      }),
    });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const events = (await response.text()).split("\n\n").filter((e) => e.startsWith("data: "));
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
    const deltas = chunks.flatMap((c) =>
      c.choices.map((choice: { delta: { content?: string } }) => choice.delta.content ?? ""),
    );
    expect(deltas.filter((d: string) => d.length > 0).length).toBeGreaterThan(1);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("enforces the bearer token", async () => {
    const none = await fetch(`${serve.url}/models`);
    expect(none.status).toBe(401);
    const wrong = await OpenAICompatibleModel.connect({ baseUrl: serve.url, apiKey: "wrong", timeoutMs: 10_000 }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(isTanukiError(wrong, "model")).toBe(true);
    expect(wrong?.message).toMatch(/401.*TANUKI_OPENAI_API_KEY/s);
  });

  it("gives a clear error after the configured timeout when the server stops answering", async () => {
    const model = new OpenAICompatibleModel({ baseUrl: serve.url, apiKey: TOKEN, timeoutMs: 1500, maxRetries: 1 });
    serve.child.kill("SIGSTOP");
    try {
      const error = await rejection(model.completeStructured(call()));
      expect(isTanukiError(error, "model")).toBe(true);
      expect(error.message).toMatch(/no complete answer within 1500 ms.*TANUKI_OPENAI_TIMEOUT_MS/);
    } finally {
      serve.child.kill("SIGCONT");
    }
    // The server resumes and answers again.
    const again = new OpenAICompatibleModel({ baseUrl: serve.url, apiKey: TOKEN, timeoutMs: 60_000 });
    expect(Review.safeParse((await again.completeStructured(call())).value).success).toBe(true);
  });

  it("says the server cannot be reached when nothing listens", async () => {
    const port = await freePort();
    const model = new OpenAICompatibleModel({ baseUrl: `http://127.0.0.1:${port}/v1`, timeoutMs: 5000, maxRetries: 0 });
    const error = await rejection(model.completeStructured(call()));
    expect(isTanukiError(error, "model")).toBe(true);
    expect(error.message).toMatch(/Cannot reach the model server .*TANUKI_OPENAI_BASE_URL/);
  });
});
