import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { CancelledError, isTanukiError, ModelError } from "../../src/core/errors.js";
import type { ChatMessage, StructuredCall } from "../../src/llm/chat-model.js";
import { LlamaCppModel, type TextGenerationRequest, type TextGenerationResult } from "../../src/llm/llama-cpp-model.js";
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

/** A free-text request of the coder (no grammar), long enough to still be generating at its first text chunk. */
function text(extra: Partial<TextGenerationRequest> = {}): TextGenerationRequest {
  return { agent: "tanuki-coder", messages, maxTokens: 200, temperature: 1, seed: 3, ...extra };
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
    // The second call starts while the first is generating (from its first text chunk): it must wait its turn.
    let waiter: Promise<TextGenerationResult> | undefined;
    const first = await model.generateText(
      text({
        onTextChunk: () => {
          waiter ??= model.generateText(text({ maxTokens: 20 }));
        },
      }),
    );
    const second = await (waiter as Promise<TextGenerationResult>);
    expect(first.meta).toMatchObject({ sequences: 1, queued: false });
    expect(second.meta).toMatchObject({ sequences: 1, queued: true });
    expect(second.usage.completionTokens).toBeGreaterThan(0);
  });

  it("serves concurrent calls in parallel sequences of one context", async () => {
    const parallel = await LlamaCppModel.load({ modelPath: modelPath as string, gpu: false, sequences: 2 });
    try {
      // Two more calls start while the first is generating: the second gets the free sequence, the third waits.
      let others: Promise<TextGenerationResult>[] = [];
      const first = await parallel.generateText(
        text({
          onTextChunk: () => {
            if (others.length === 0)
              others = [0, 1].map((seed) => parallel.generateText(text({ seed, maxTokens: 20 })));
          },
        }),
      );
      const [second, third] = await Promise.all(others);
      expect([first, second, third].map((answer) => answer?.meta.sequences)).toEqual([2, 2, 2]);
      expect([first, second, third].map((answer) => answer?.meta.queued)).toEqual([false, false, true]);
    } finally {
      await parallel.dispose();
    }
  });

  it("gives a ModelError keeping the raw text when maxTokens cuts the answer off", async () => {
    const error = await rejection(model.completeStructured(call(shapes.NestedPlan, "NestedPlan", { maxTokens: 8 })));
    expect(error).toBeInstanceOf(StructuredOutputError);
    expect(isTanukiError(error, "model")).toBe(true);
    expect((error as StructuredOutputError).failure).toBe("max-tokens");
    expect((error as StructuredOutputError).raw.length).toBeGreaterThan(0);
    expect((error as Error).message).toMatch(/cut off at maxTokens=8 /);
  });

  it("cancels a running call through its AbortSignal and keeps working afterwards", async () => {
    const controller = new AbortController();
    // Aborted from its first text chunk: the call is generating then, whatever the machine's speed.
    const pending = model.generateText(
      text({ maxTokens: 1500, signal: controller.signal, onTextChunk: () => controller.abort(new Error("cancel")) }),
    );
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
    // From the running call's first text chunk: a second call queues for the sequence, then the model is disposed.
    let waiting: Promise<unknown> | undefined;
    let disposed: Promise<void> | undefined;
    const running = rejection(
      other.generateText(
        text({
          maxTokens: 1500,
          onTextChunk: () => {
            if (waiting) return;
            waiting = rejection(other.generateText(text({ maxTokens: 20 })));
            disposed = other.dispose();
          },
        }),
      ),
    );
    expect(await running).toBeInstanceOf(ModelError);
    expect(await waiting).toBeInstanceOf(ModelError);
    await disposed;
  });

  it("refuses a file that is not a GGUF model", async () => {
    const error = await rejection(LlamaCppModel.load({ modelPath: "package.json", gpu: false }));
    expect(isTanukiError(error, "model")).toBe(true);
  });
});
