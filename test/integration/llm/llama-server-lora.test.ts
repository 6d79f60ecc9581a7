import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { OpenAICompatibleModel } from "../../../src/llm/openai-compatible-model.js";
import { startOpenAIStub } from "../../helpers/openai-stub-server.js";

const Answer = z.object({ ok: z.boolean() });
let stub: Awaited<ReturnType<typeof startOpenAIStub>> | undefined;

afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const adapters = {
  "tanuki-coder": { filePath: "/home/me/adapters/coder.lora.gguf", scale: 0.7 },
  "tanuki-tester": { filePath: "/home/me/adapters/tester.lora.gguf", scale: 1 },
};

async function ask(model: OpenAICompatibleModel, agent: string) {
  await model.completeStructured({
    agent,
    messages: [{ role: "user", content: "hi" }],
    schema: Answer,
    schemaName: "Answer",
  });
}

describe("llama-server's per-request lora field from the OpenAI-compatible backend", () => {
  it("sends each agent its served adapter by id and scale, and [] (base model) to agents without one", async () => {
    stub = await startOpenAIStub(
      () => ({ ok: true }),
      ["base"],
      [
        { id: 0, path: "/srv/lora/tester.lora.gguf", scale: 0 },
        { id: 1, path: "/srv/lora/coder.lora.gguf", scale: 0 },
      ],
    );
    const model = await OpenAICompatibleModel.connect({
      baseUrl: stub.url,
      defaultModel: "base",
      loraAdapters: adapters,
    });
    await ask(model, "tanuki-coder");
    await ask(model, "tanuki-tester");
    await ask(model, "tanuki-reviewer");
    expect(stub.requests.map((r) => r.body.lora)).toEqual([[{ id: 1, scale: 0.7 }], [{ id: 0, scale: 1 }], []]);
  });

  it("sends no lora field to servers without /lora-adapters, or that serve none of the agents' adapters", async () => {
    stub = await startOpenAIStub(() => ({ ok: true }), ["base"]);
    const plain = await OpenAICompatibleModel.connect({ baseUrl: stub.url, loraAdapters: adapters });
    await ask(plain, "tanuki-coder");
    expect(stub.requests.map((r) => "lora" in r.body)).toEqual([false]);
    await stub.close();
    stub = await startOpenAIStub(() => ({ ok: true }), ["base"], [{ id: 0, path: "/srv/other.gguf", scale: 1 }]);
    const unrelated = await OpenAICompatibleModel.connect({ baseUrl: stub.url, loraAdapters: adapters });
    await ask(unrelated, "tanuki-coder");
    expect(stub.requests.map((r) => "lora" in r.body)).toEqual([false]);
  });
});
