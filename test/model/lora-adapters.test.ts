import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import type { ChatMessage } from "../../src/llm/chat-model.js";
import { type AgentAdapter, LlamaCppModel } from "../../src/llm/llama-cpp-model.js";
import { AdapterMismatchError } from "../../src/llm/lora-check.js";
import { STORIES_260K, writeLoraGguf } from "../helpers/lora-gguf.js";
import { describeIfAvailable, testModelPath } from "../helpers/requirements.js";

const modelPath = testModelPath();
const describeModel = describeIfAvailable(modelPath !== undefined, "TANUKI_TEST_MODEL");

const messages: ChatMessage[] = [
  { role: "system", content: "You are Tanuki's coder. Answer with JSON only." },
  { role: "user", content: "Once upon a time a little fox wrote a function. Describe it." },
];
const Answer = z.object({ summary: z.string().max(80), done: z.boolean() });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describeModel("LoRA adapters per agent on one loaded model", () => {
  let dir: string;
  let loraA: string;
  let loraB: string;
  let loraC: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tanuki-lora-"));
    [loraA, loraB, loraC] = [join(dir, "a.gguf"), join(dir, "b.gguf"), join(dir, "c.gguf")];
    await writeLoraGguf(loraA, { base: STORIES_260K, seed: 1 });
    await writeLoraGguf(loraB, { base: STORIES_260K, seed: 2 });
    await writeLoraGguf(loraC, { base: STORIES_260K, seed: 3 });
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function load(adapters: Record<string, AgentAdapter>, extra = {}): Promise<LlamaCppModel> {
    return LlamaCppModel.load({ modelPath: modelPath as string, gpu: false, contextSize: 512, adapters, ...extra });
  }

  async function text(model: LlamaCppModel, agent: string): Promise<string> {
    const answer = await model.generateText({ agent, messages, maxTokens: 24, temperature: 0 });
    return answer.text;
  }

  it("with scale 0 an adapter gives the base model's tokens; with a non-zero scale they differ", async () => {
    const model = await load({
      "tanuki-zero": { filePath: loraA, scale: 0 },
      "tanuki-coder": { filePath: loraA, scale: 1 },
    });
    try {
      const base = await text(model, "tanuki-planner");
      const zero = await text(model, "tanuki-zero");
      const adapted = await text(model, "tanuki-coder");
      expect(base.length).toBeGreaterThan(0);
      expect(zero).toBe(base);
      expect(adapted).not.toBe(base);
      const answer = await model.completeStructured({
        agent: "tanuki-coder",
        messages,
        schema: Answer,
        schemaName: "Answer",
        maxTokens: 120,
      });
      expect(Answer.safeParse(answer.value).success).toBe(true);
      expect(answer.meta).toMatchObject({ adapter: "a.gguf", adapterScale: 1 });
    } finally {
      await model.dispose();
    }
  });

  it("interleaves two agents with different adapters and gives each the outputs it gives alone", async () => {
    const adapters = { "tanuki-coder": { filePath: loraA, scale: 1 }, "tanuki-tester": { filePath: loraB, scale: 1 } };
    const order = ["tanuki-coder", "tanuki-tester", "tanuki-coder", "tanuki-tester", "tanuki-tester"];
    const concurrent = ["tanuki-tester", "tanuki-coder", "tanuki-coder", "tanuki-tester"];
    // Alone: each agent's calls, in the same order, on a model that holds only its adapter. (A call that reuses the
    // cached prompt prefix may differ from a cold one in the last float bits, so the k-th call is compared with the
    // k-th call.)
    const alone: Record<string, string[]> = {};
    for (const agent of Object.keys(adapters)) {
      const solo = await load({ [agent]: adapters[agent as keyof typeof adapters] });
      try {
        const calls = [...order, ...concurrent].filter((name) => name === agent).length;
        alone[agent] = [];
        for (let i = 0; i < calls; i++) alone[agent]?.push(await text(solo, agent));
      } finally {
        await solo.dispose();
      }
    }
    expect(alone["tanuki-coder"]?.[0]).not.toBe(alone["tanuki-tester"]?.[0]);

    const shared = await load(adapters);
    try {
      const seen: Record<string, number> = { "tanuki-coder": 0, "tanuki-tester": 0 };
      const expected = (agent: string) => {
        const index = seen[agent] ?? 0;
        seen[agent] = index + 1;
        return alone[agent]?.[index];
      };
      const switches: boolean[] = [];
      for (const agent of order) {
        const answer = await shared.generateText({ agent, messages, maxTokens: 24, temperature: 0 });
        expect(answer.text).toBe(expected(agent));
        switches.push(answer.meta.switched as boolean);
      }
      // Concurrent calls of both agents run on their own contexts (FIFO per context) and still match.
      const wanted = concurrent.map(expected);
      const both = await Promise.all(concurrent.map((agent) => text(shared, agent)));
      expect(both).toEqual(wanted);
      expect(switches).toEqual([true, true, true, true, false]);
      const report = shared.memoryReport();
      // Base context (created at load) + one per adapter, each created once.
      expect(report).toMatchObject({ contexts: 3, adapterLoads: 3, evictions: 0 });
    } finally {
      await shared.dispose();
    }
  });

  it("reuses an agent's evaluated prompt prefix on its context after switching away and back", async () => {
    const model = await load({ "tanuki-coder": { filePath: loraA, scale: 1 } });
    try {
      await text(model, "tanuki-coder");
      await text(model, "tanuki-planner");
      const again = await model.generateText({ agent: "tanuki-coder", messages, maxTokens: 24 });
      expect(again.meta.reusedPromptTokens).toBeGreaterThan(0);
      expect(again.meta.adapterLoaded).toBe(false);
    } finally {
      await model.dispose();
    }
  });

  it("releases the least recently used adapter contexts when over budget, and calls still succeed", async () => {
    const probe = await load({});
    const perContext = Number(probe.memoryReport().estimatedRamBytes);
    await probe.dispose();
    expect(perContext).toBeGreaterThan(0);
    // Room for two contexts (base + one adapter set), not for three.
    const model = await load(
      {
        "tanuki-coder": { filePath: loraA, scale: 1 },
        "tanuki-tester": { filePath: loraB, scale: 1 },
        "tanuki-reviewer": { filePath: loraC, scale: 1 },
      },
      { memoryBudget: { ramBytes: Math.floor(perContext * 2.5) } },
    );
    try {
      const expected = await text(model, "tanuki-coder");
      const evictedCounts: number[] = [];
      for (const agent of ["tanuki-tester", "tanuki-reviewer", "tanuki-coder"]) {
        const answer = await model.generateText({ agent, messages, maxTokens: 24 });
        expect(answer.text.length).toBeGreaterThan(0);
        evictedCounts.push(Number(answer.meta.evicted));
        if (agent === "tanuki-coder") {
          expect(answer.text).toBe(expected);
          expect(answer.meta.adapterLoaded).toBe(true);
        }
      }
      expect(evictedCounts.every((n) => n >= 1)).toBe(true);
      const report = model.memoryReport();
      expect(report.contexts).toBe(2);
      expect(Number(report.estimatedRamBytes)).toBeLessThanOrEqual(Math.floor(perContext * 2.5) + 3 * 200_000);
      expect(Number(report.adapterReleases)).toBeGreaterThanOrEqual(2);
    } finally {
      await model.dispose();
    }
  });

  it("refuses an adapter with the wrong embedding size, naming the tensor and the agent", async () => {
    const wrong = join(dir, "wrong-embedding.gguf");
    await writeLoraGguf(wrong, { base: { ...STORIES_260K, embedding: 96 } });
    const error = await rejection(load({ "tanuki-coder": { filePath: wrong, scale: 1 } }));
    expect(error).toBeInstanceOf(AdapterMismatchError);
    expect((error as Error).message).toContain("tanuki-coder");
    expect((error as Error).message).toMatch(/attn_q\.weight.*do not fit the base weight \[64, 64\]/);
  });

  it("refuses an adapter trained for another architecture", async () => {
    const wrong = join(dir, "wrong-arch.gguf");
    await writeLoraGguf(wrong, { base: { ...STORIES_260K, architecture: "gptneox" } });
    const error = await rejection(load({ "tanuki-coder": { filePath: wrong, scale: 1 } }));
    expect(error).toBeInstanceOf(AdapterMismatchError);
    expect((error as AdapterMismatchError).problems.join("\n")).toMatch(/"gptneox" does not match .*"llama"/);
  });

  it("refuses a file that is not an adapter", async () => {
    const error = await rejection(load({ "tanuki-coder": { filePath: modelPath as string, scale: 1 } }));
    expect(error).toBeInstanceOf(AdapterMismatchError);
    expect((error as Error).message).toMatch(/general\.type/);
  });
});
