import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { answerByteCap, responseByteCap } from "../../src/llm/answer-cap.js";
import { LlamaCppModel } from "../../src/llm/llama-cpp-model.js";
import { OpenAICompatibleModel } from "../../src/llm/openai-compatible-model.js";
import { StructuredOutputError } from "../../src/llm/structured-output-error.js";
import { describeIfAvailable, testModelPath } from "../helpers/requirements.js";

/**
 * Threat: an OpenAI-compatible server that ignores `max_tokens` and streams without end (300 MiB cost 2.0 GB of
 * memory and a 301 MB trace; 600 MiB crashed the run). A real HTTP server on 127.0.0.1 streams SSE far past the cap,
 * either as many small deltas or as one endless `data:` line (which an SSE line decoder would buffer whole); the
 * real backend must stop reading at its byte cap, say why, and keep at most the cap.
 */
const MAX_TOKENS = 256;
/** What the server would send if never stopped, bytes (300 MiB). */
const ENDLESS_BYTES = 300 * 1024 * 1024;
/** Slack for bytes in flight when the client hangs up (socket buffers on both sides), bytes. */
const IN_FLIGHT_BYTES = 16 * 1024 * 1024;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** Starts a server that streams `chunk()` until the client hangs up or ENDLESS_BYTES are sent. */
async function startEndlessServer(head: string, chunk: string): Promise<{ url: string; sent: () => number }> {
  let sent = 0;
  server = createServer(async (req, res) => {
    for await (const _ of req) {
      // drain the request body
    }
    res.writeHead(200, { "content-type": "text/event-stream" });
    res.write(head);
    let closed = false;
    res.on("close", () => {
      closed = true;
    });
    while (!closed && sent < ENDLESS_BYTES) {
      sent += Buffer.byteLength(chunk);
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
    res.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, sent: () => sent };
}

/** Resolves on the response's next `drain` or `close`, leaving no listener behind. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

async function callModel(url: string): Promise<unknown> {
  const model = new OpenAICompatibleModel({ baseUrl: url, defaultModel: "m", maxRetries: 0 });
  try {
    return await model.completeStructured({
      agent: "tanuki-coder",
      messages: [{ role: "user", content: "answer" }],
      schema: z.object({ text: z.string() }),
      schemaName: "Answer",
      maxTokens: MAX_TOKENS,
    });
  } finally {
    await model.dispose();
  }
}

describe("a streamed answer is cut at a byte cap derived from max_tokens", () => {
  it("many small deltas far past max_tokens: a clear error, at most the cap kept, the stream abandoned", async () => {
    const delta = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "a".repeat(512) } }] })}\n\n`;
    const { url, sent } = await startEndlessServer("", delta);
    const error = await callModel(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect((error as StructuredOutputError).message).toMatch(/ignores max_tokens=256/);
    expect((error as StructuredOutputError).failure).toBe("max-tokens");
    const kept = Buffer.byteLength((error as StructuredOutputError).raw);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThanOrEqual(answerByteCap(MAX_TOKENS));
    expect(sent()).toBeLessThan(responseByteCap(MAX_TOKENS) + IN_FLIGHT_BYTES);
  });

  it("one endless SSE line: the HTTP body is cut before a decoder could buffer it", async () => {
    const { url, sent } = await startEndlessServer(
      'data: {"choices":[{"index":0,"delta":{"content":"',
      "a".repeat(65_536),
    );
    const error = await callModel(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect((error as StructuredOutputError).message).toMatch(/ignores max_tokens=256/);
    expect(sent()).toBeLessThan(responseByteCap(MAX_TOKENS) + IN_FLIGHT_BYTES);
  });

  it("control: an answer within the cap from the same server passes", async () => {
    const text = "b".repeat(answerByteCap(MAX_TOKENS) - 100);
    server = createServer(async (req, res) => {
      for await (const _ of req) {
        // drain the request body
      }
      res.writeHead(200, { "content-type": "text/event-stream" });
      const content = JSON.stringify({ text });
      for (let i = 0; i < content.length; i += 500) {
        res.write(
          `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: content.slice(i, i + 500) } }] })}\n\n`,
        );
      }
      res.end(
        `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] })}\n\ndata: [DONE]\n\n`,
      );
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const answer = await callModel(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
    expect((answer as { value: { text: string } }).value.text).toBe(text);
  });
});

const modelPath = testModelPath();
const describeModel = describeIfAvailable(modelPath !== undefined, "TANUKI_TEST_MODEL");

describeModel("node-llama-cpp: the answer's text is cut at its byte cap too", () => {
  it("a model whose tokens decode to more bytes than allowed stops at the cap with a clear error", async () => {
    // A tenth of a byte per token stands for a GGUF whose tokens decode to far more bytes than the cap allows: the
    // real model's answer (about 30 bytes) passes the 20-byte cap before it ends.
    const model = await LlamaCppModel.load({ modelPath: modelPath as string, gpu: false, answerBytesPerToken: 0.1 });
    try {
      const error = await model
        .completeStructured({
          agent: "tanuki-coder",
          messages: [{ role: "user", content: "Tell a long story." }],
          schema: z.object({ story: z.string().max(4000) }),
          schemaName: "Story",
          maxTokens: 200,
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StructuredOutputError);
      expect((error as StructuredOutputError).failure).toBe("max-tokens");
      expect((error as StructuredOutputError).message).toMatch(/passed 20 bytes \(maxTokens=200\)/);
      const kept = Buffer.byteLength((error as StructuredOutputError).raw);
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThanOrEqual(answerByteCap(200, 0.1));
    } finally {
      await model.dispose();
    }
  });
});
