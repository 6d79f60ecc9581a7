import OpenAI from "openai";
import type { ChatCompletionTool } from "openai/resources/chat/completions";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { describeIfAvailable, testModelPath } from "../../helpers/requirements.js";
import { type ServeProcess, startServeProcess, stopServeProcess } from "../../helpers/serve-process.js";

const modelPath = testModelPath();
const describeServe = describeIfAvailable(modelPath !== undefined, "TANUKI_TEST_MODEL");
const TOKEN = "tool-test-token-0123";

/** Arguments of the test tools, as zod (the tools' JSON Schema is generated from these). */
const WeatherArgs = z.object({
  city: z.string().max(20),
  days: z.number().int().min(1).max(7),
  unit: z.enum(["celsius", "fahrenheit"]).optional(),
});
const ReadFileArgs = z.object({ path: z.string().max(40) });

const tools: ChatCompletionTool[] = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Weather forecast for a city",
      parameters: z.toJSONSchema(WeatherArgs) as Record<string, unknown>,
    },
  },
  {
    type: "function",
    function: {
      name: "read_file",
      description: "Read a file of the workspace",
      parameters: z.toJSONSchema(ReadFileArgs) as Record<string, unknown>,
    },
  },
];
const schemas: Record<string, z.ZodType> = { get_weather: WeatherArgs, read_file: ReadFileArgs };
const messages = [{ role: "user" as const, content: "Once upon a time, what was the weather in the park?" }];

/** The arguments parse as JSON and validate against the called tool's schema. */
function expectValidArguments(call: { function: { name: string; arguments: string } }) {
  const schema = schemas[call.function.name];
  expect(schema, `unknown tool ${call.function.name}`).toBeDefined();
  expect(schema?.safeParse(JSON.parse(call.function.arguments)).success).toBe(true);
}

describeServe("the openai client calls tools through a real `tanuki serve` (node-llama-cpp, test GGUF)", () => {
  let serve: ServeProcess;
  let client: OpenAI;

  beforeAll(async () => {
    serve = await startServeProcess(["--model", modelPath as string, "--token", TOKEN], { TANUKI_THREADS: "1" });
    client = new OpenAI({ baseURL: serve.url, apiKey: TOKEN, maxRetries: 0 });
  });

  afterAll(async () => {
    await stopServeProcess(serve);
  });

  it("tool_choice required: a tool call whose arguments parse against its schema", async () => {
    const completion = await client.chat.completions.create({
      model: "tanuki-coder",
      messages,
      tools,
      tool_choice: "required",
      max_tokens: 120,
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("tool_calls");
    const calls = choice?.message.tool_calls ?? [];
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      expect(call.type).toBe("function");
      expect(call.id).toMatch(/^call_/);
      if (call.type === "function") expectValidArguments(call);
    }
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("a named function, streamed: deltas assemble into a call of that function with valid arguments", async () => {
    const stream = await client.chat.completions.create({
      model: "tanuki-tester",
      messages,
      tools,
      tool_choice: { type: "function", function: { name: "get_weather" } },
      parallel_tool_calls: false,
      max_tokens: 120,
      stream: true,
      stream_options: { include_usage: true },
    });
    const calls: { id?: string; function: { name: string; arguments: string } }[] = [];
    let finish: string | null | undefined;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
        calls[delta.index] ??= { function: { name: "", arguments: "" } };
        const call = calls[delta.index] as (typeof calls)[number];
        if (delta.id) call.id = delta.id;
        call.function.name += delta.function?.name ?? "";
        call.function.arguments += delta.function?.arguments ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(finish).toBe("tool_calls");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.id).toMatch(/^call_/);
    expect(calls[0]?.function.name).toBe("get_weather");
    expectValidArguments(calls[0] as { function: { name: string; arguments: string } });
    expect(usage?.completion_tokens).toBeGreaterThan(0);
  });

  it("the openai stream helper accumulates the streamed call with parsed arguments", async () => {
    const runner = client.chat.completions.stream({
      model: "tanuki-coder",
      messages,
      tools,
      tool_choice: { type: "function", function: { name: "read_file" } },
      max_tokens: 80,
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === "function" && call.function.name).toBe("read_file");
    if (call?.type === "function") expectValidArguments(call);
  });

  it("accepts a role tool result and answers it", async () => {
    const completion = await client.chat.completions.create({
      model: "tanuki-coder",
      messages: [
        ...messages,
        {
          role: "assistant",
          content: null,
          tool_calls: [
            {
              id: "call_abc",
              type: "function",
              function: { name: "get_weather", arguments: '{"city":"Oslo","days":2}' },
            },
          ],
        },
        { role: "tool", tool_call_id: "call_abc", content: "Sunny, 21 degrees." },
      ],
      tools,
      tool_choice: "none",
      max_tokens: 16,
    });
    expect(completion.choices[0]?.finish_reason).toMatch(/^(stop|length)$/);
    expect(completion.choices[0]?.message.tool_calls ?? []).toHaveLength(0);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it("refuses an unsupported field with 400 naming it", async () => {
    const error = await client.chat.completions.create({ model: "tanuki-coder", messages, n: 3 } as never).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const refused = await client.chat.completions
      .create({ model: "tanuki-coder", messages, logit_bias: { "42": 5 } })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("logit_bias");
  });

  it("/v1/completions continues raw text, streamed and not", async () => {
    const completion = await client.completions.create({
      model: "tanuki-coder",
      prompt: "Once upon a time",
      max_tokens: 8,
    });
    expect(completion.object).toBe("text_completion");
    expect(completion.choices[0]?.text.length).toBeGreaterThan(0);
    expect(completion.choices[0]?.finish_reason).toBe("length");
    const stream = await client.completions.create({
      model: "tanuki-coder",
      prompt: "Once upon a time",
      max_tokens: 8,
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.text ?? "";
    expect(text).toBe(completion.choices[0]?.text);
    const infill = await client.completions
      .create({ model: "tanuki-coder", prompt: "a", suffix: "b", max_tokens: 4 })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect((infill as InstanceType<typeof OpenAI.BadRequestError>).param).toBe("suffix");
  });

  it("/v1/embeddings gives one vector per input, base64 (the client's default) and float", async () => {
    const answer = await client.embeddings.create({ model: "tanuki-coder", input: ["Once upon a time", "a dog"] });
    expect(answer.data).toHaveLength(2);
    const first = answer.data[0]?.embedding ?? [];
    expect(first.length).toBeGreaterThan(0);
    expect(first.every((x) => Number.isFinite(x))).toBe(true);
    const floats = await client.embeddings.create({
      model: "tanuki-tester",
      input: "Once upon a time",
      encoding_format: "float",
    });
    expect(floats.data[0]?.embedding).toHaveLength(first.length);
    expect(floats.data[0]?.embedding[0]).toBeCloseTo(first[0] as number, 4);
    expect(answer.usage.prompt_tokens).toBeGreaterThan(0);
  });
});
