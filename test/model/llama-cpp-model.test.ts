import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { CancelledError, isTanukiError, ModelError } from "../../src/core/errors.js";
import type { ChatMessage, StructuredCall } from "../../src/llm/chat-model.js";
import { LlamaCppModel } from "../../src/llm/llama-cpp-model.js";
import { StructuredOutputError } from "../../src/llm/structured-output-error.js";
import { availableCpuCount } from "../../src/llm/threads.js";
import { describeIfAvailable, testModelPath } from "../helpers/requirements.js";

const modelPath = testModelPath();
const describeModel = describeIfAvailable(modelPath !== undefined, "TANUKI_TEST_MODEL");

const messages: ChatMessage[] = [
  { role: "system", content: "You are Tanuki's coder. Answer with JSON only." },
  { role: "user", content: "The test in src/sum.test.ts fails: sum(2, 2) returns 5. Fix it." },
];

const Edit = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("search-replace"),
    path: z.string().min(1).max(40),
    search: z.string().max(60),
    replace: z.string().max(60),
  }),
  z.object({ kind: z.literal("write-file"), path: z.string().min(1).max(40), content: z.string().max(80) }),
]);

const shapes = {
  CoderOutput: z.object({
    summary: z.string().max(60),
    edits: z.array(Edit).min(1).max(3),
  }),
  NestedPlan: z.object({
    goal: z.string().max(40),
    steps: z
      .array(
        z.object({
          id: z.number().int().min(1).max(9),
          agent: z.enum(["tanuki-coder", "tanuki-tester", "tanuki-docs"]),
          files: z.array(z.string().max(30)).max(2),
          detail: z.object({ intent: z.string().max(40), risky: z.boolean() }),
        }),
      )
      .min(2)
      .max(3),
  }),
  OptionalFields: z.object({
    verdict: z.enum(["approve", "request-changes"]),
    comment: z.string().max(30).optional(),
    line: z.number().int().min(1).max(200).optional(),
    severity: z.enum(["low", "high"]).nullable(),
  }),
  Tuple: z.object({ pair: z.tuple([z.string().max(10), z.boolean()]), labels: z.array(z.literal("bug")).length(2) }),
} satisfies Record<string, z.ZodType>;

function call<T>(schema: z.ZodType<T>, schemaName: string, extra: Partial<StructuredCall<T>> = {}): StructuredCall<T> {
  return { agent: "tanuki-coder", messages, schema, schemaName, maxTokens: 600, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

describeModel("LlamaCppModel with a real GGUF", () => {
  let model: LlamaCppModel;

  beforeAll(async () => {
    model = await LlamaCppModel.load({ modelPath: modelPath as string, gpu: false });
  });

  afterAll(async () => {
    await model?.dispose();
  });

  it("loads with a thread count within the available CPUs and a usable context", () => {
    expect(model.name).toMatch(/\.gguf$/);
    expect(model.threads).toBeGreaterThanOrEqual(1);
    expect(model.threads).toBeLessThanOrEqual(availableCpuCount());
    expect(model.contextSize).toBeGreaterThanOrEqual(1024);
  });

  it.each(Object.entries(shapes))("answers %s with JSON that parses and validates", async (name, schema) => {
    const answer = await model.completeStructured(call(schema as z.ZodType<unknown>, name));
    expect(schema.safeParse(answer.value).success).toBe(true);
    expect(() => JSON.parse(answer.raw)).not.toThrow();
    expect(answer.usage.promptTokens).toBeGreaterThan(0);
    expect(answer.usage.completionTokens).toBeGreaterThan(0);
    expect(answer.durationMs).toBeGreaterThan(0);
    expect(answer.meta).toMatchObject({ threads: model.threads, contextSize: model.contextSize });
  });

  it("interleaves two schemas on one loaded model and reuses the prompt already evaluated", async () => {
    const names: (keyof typeof shapes)[] = ["CoderOutput", "OptionalFields", "CoderOutput", "OptionalFields"];
    const answers = [];
    for (const name of names) {
      const answer = await model.completeStructured(call(shapes[name] as z.ZodType<unknown>, name));
      expect(shapes[name].safeParse(answer.value).success).toBe(true);
      answers.push(answer);
    }
    // Same messages each time: after the first call the prompt is already in the sequence.
    const later = answers[3];
    expect(later?.meta?.evaluatedPromptTokens).toBeLessThan(later?.usage.promptTokens ?? 0);
  });

  it("is reproducible for the same seed", async () => {
    const options = { temperature: 0.9, seed: 42 };
    const first = await model.completeStructured(call(shapes.CoderOutput, "CoderOutput", options));
    const second = await model.completeStructured(call(shapes.CoderOutput, "CoderOutput", options));
    expect(second.raw).toBe(first.raw);
  });

  it("serves two concurrent calls on one sequence, one after the other", async () => {
    const [a, b] = await Promise.all([
      model.completeStructured(call(shapes.NestedPlan, "NestedPlan")),
      model.completeStructured(call(shapes.OptionalFields, "OptionalFields")),
    ]);
    expect(shapes.NestedPlan.safeParse(a.value).success).toBe(true);
    expect(shapes.OptionalFields.safeParse(b.value).success).toBe(true);
    // One sequence: the call that waited did so for roughly the whole of the other call.
    const [first, waiter] = [a, b].sort((x, y) => Number(x.meta?.waitedMs) - Number(y.meta?.waitedMs));
    expect(Number(waiter?.meta?.waitedMs)).toBeGreaterThan(Number(first?.durationMs) * 0.5);
  });

  it("serves concurrent calls in parallel sequences of one context", async () => {
    const parallel = await LlamaCppModel.load({ modelPath: modelPath as string, gpu: false, sequences: 2 });
    try {
      const answers = await Promise.all(
        [0, 1, 2].map((i) => parallel.completeStructured(call(shapes.CoderOutput, "CoderOutput", { seed: i }))),
      );
      for (const answer of answers) {
        expect(shapes.CoderOutput.safeParse(answer.value).success).toBe(true);
        expect(answer.meta?.sequences).toBe(2);
      }
      // Two sequences: two of the three calls started at once, without waiting.
      expect(answers.filter((answer) => Number(answer.meta?.waitedMs) < 5).length).toBeGreaterThanOrEqual(2);
    } finally {
      await parallel.dispose();
    }
  });

  it("gives a ModelError keeping the raw text when maxTokens cuts the answer off", async () => {
    const started = Date.now();
    const error = await rejection(model.completeStructured(call(shapes.NestedPlan, "NestedPlan", { maxTokens: 8 })));
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect(isTanukiError(error, "model")).toBe(true);
    expect((error as StructuredOutputError).failure).toBe("max-tokens");
    expect((error as StructuredOutputError).raw.length).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(/maxTokens=8/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("cancels a running call through its AbortSignal and keeps working afterwards", async () => {
    const Long = z.object({ story: z.string().max(4000) });
    const controller = new AbortController();
    const pending = model.completeStructured(
      call(Long, "Long", { maxTokens: 1500, temperature: 1, seed: 7, signal: controller.signal }),
    );
    setTimeout(() => controller.abort(new Error("user cancelled")), 20);
    expect(await rejection(pending)).toBeInstanceOf(CancelledError);
    const after = await model.completeStructured(call(shapes.OptionalFields, "OptionalFields"));
    expect(shapes.OptionalFields.safeParse(after.value).success).toBe(true);
  });

  it("refuses an already-aborted signal before generating", async () => {
    const error = await rejection(
      model.completeStructured(call(shapes.Tuple, "Tuple", { signal: AbortSignal.abort() })),
    );
    expect(error).toBeInstanceOf(CancelledError);
  });

  it("rejects a schema a grammar cannot express before generating", async () => {
    const error = await rejection(model.completeStructured(call(z.object({ id: z.uuid() }), "WithUuid")));
    expect(isTanukiError(error, "model")).toBe(true);
    expect((error as Error).message).toContain("WithUuid");
  });

  it("refuses a prompt that does not fit the context", async () => {
    const long: ChatMessage[] = [{ role: "user", content: "once upon a time ".repeat(2000) }];
    const error = await rejection(model.completeStructured(call(shapes.Tuple, "Tuple", { messages: long })));
    expect(isTanukiError(error, "model")).toBe(true);
    expect((error as Error).message).toMatch(/does not fit the context/);
  });

  it("disposes idempotently and refuses calls afterwards", async () => {
    const other = await LlamaCppModel.load({ modelPath: modelPath as string, gpu: false });
    await Promise.all([other.dispose(), other.dispose()]);
    await other.dispose();
    const error = await rejection(other.completeStructured(call(shapes.Tuple, "Tuple")));
    expect(error).toBeInstanceOf(ModelError);
  });

  it("fails calls that wait for a sequence when the model is disposed", async () => {
    const other = await LlamaCppModel.load({ modelPath: modelPath as string, gpu: false });
    const Long = z.object({ story: z.string().max(4000) });
    const running = rejection(other.completeStructured(call(Long, "Long", { maxTokens: 1500, temperature: 1 })));
    const waiting = rejection(other.completeStructured(call(shapes.Tuple, "Tuple")));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await other.dispose();
    expect(await waiting).toBeInstanceOf(ModelError);
    expect(await running).toBeInstanceOf(ModelError);
  });

  it("refuses a file that is not a GGUF model", async () => {
    const error = await rejection(LlamaCppModel.load({ modelPath: "package.json", gpu: false }));
    expect(isTanukiError(error, "model")).toBe(true);
  });
});
