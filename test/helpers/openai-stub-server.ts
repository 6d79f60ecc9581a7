import { createServer, type IncomingMessage } from "node:http";

/** One chat-completions request the stub received. */
export interface StubRequest {
  /** The `model` field sent. */
  model: string;
  /** `response_format.json_schema.name`, when sent. */
  schemaName?: string;
  body: Record<string, unknown>;
}

/** Answers a request with the JSON value to stream back as the message content. */
export type StubAnswer = (request: StubRequest) => unknown;

/**
 * A minimal OpenAI-compatible server on 127.0.0.1 for orchestration tests of the OpenAI-compatible backend:
 * `GET /v1/models` lists `models`, `POST /v1/chat/completions` records the request and streams (SSE) the JSON of
 * `answer(request)` in two chunks, then a usage chunk and `[DONE]`. With `loraAdapters`, `GET /lora-adapters` lists
 * them as llama.cpp's llama-server does (`[{ id, path, scale }]`). Anything else is 404. No auth.
 */
export async function startOpenAIStub(
  answer: StubAnswer,
  models: string[] = ["stub-model"],
  loraAdapters?: { id: number; path: string; scale: number }[],
): Promise<{ url: string; requests: StubRequest[]; close(): Promise<void> }> {
  const requests: StubRequest[] = [];
  const server = createServer(async (req, res) => {
    if (req.method === "GET" && req.url === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ object: "list", data: models.map((id) => ({ id, object: "model", owned_by: "stub" })) }),
      );
      return;
    }
    if (req.method === "GET" && req.url === "/lora-adapters" && loraAdapters) {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(loraAdapters));
      return;
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
    const format = body.response_format as { json_schema?: { name?: string } } | undefined;
    const request: StubRequest = { model: String(body.model), schemaName: format?.json_schema?.name, body };
    requests.push(request);
    const content = JSON.stringify(answer(request));
    const half = Math.ceil(content.length / 2);
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id: "stub", object: "chat.completion.chunk", created: 0, model: request.model, choices, ...extra })}\n\n`;
    res.write(
      chunk([{ index: 0, delta: { role: "assistant", content: content.slice(0, half) }, finish_reason: null }]),
    );
    res.write(chunk([{ index: 0, delta: { content: content.slice(half) }, finish_reason: "stop" }]));
    res.write(chunk([], { usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }));
    res.end("data: [DONE]\n\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const part of req) text += String(part);
  return text;
}
