import { afterEach, describe, expect, it } from "vitest";
import { type ServeServer, startServeServer } from "../../../src/serve/serve-server.js";
import { ScriptedGenerator } from "../../helpers/scripted-generator.js";

let server: ServeServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const weather = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather of a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const base = { model: "tanuki-coder", messages: [{ role: "user", content: "weather in Oslo?" }], tools: [weather] };

async function start(
  generator = new ScriptedGenerator({ toolCalls: [{ name: "get_weather", arguments: '{"city":"Oslo"}' }] }),
) {
  server = await startServeServer({ generator, agents: ["tanuki-coder"], port: 0 });
  return { url: server.url, generator };
}

async function post(url: string, body: unknown) {
  return fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("tanuki serve tool calls (wire format)", () => {
  it("answers tool calls with finish_reason tool_calls, content null and call ids", async () => {
    const { url, generator } = await start();
    const response = await post(url, base);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      choices: { message: { content: unknown; tool_calls: { id: string }[] }; finish_reason: string }[];
    };
    expect(body.choices[0]).toMatchObject({
      finish_reason: "tool_calls",
      message: {
        role: "assistant",
        content: null,
        tool_calls: [{ type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }],
      },
    });
    expect(body.choices[0]?.message.tool_calls[0]?.id).toMatch(/^call_/);
    expect(generator.requests[0]).toMatchObject({ toolMode: "auto", tools: [{ name: "get_weather" }] });
  });

  it("streams tool calls as indexed deltas: id and name first, then argument fragments", async () => {
    const { url } = await start();
    const response = await post(url, { ...base, stream: true });
    const events = (await response.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.replace(/^data: /, "")));
    const deltas = chunks.flatMap((c) => c.choices[0].delta.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, id: expect.stringMatching(/^call_/), type: "function" });
    expect(deltas[0].function).toEqual({ name: "get_weather", arguments: "" });
    expect(deltas.map((d: { function: { arguments: string } }) => d.function.arguments).join("")).toBe(
      '{"city":"Oslo"}',
    );
    expect(chunks.at(-1).choices[0].finish_reason).toBe("tool_calls");
  });

  it("maps tool_choice required, a named function and parallel_tool_calls false", async () => {
    const { url, generator } = await start();
    const other = { type: "function", function: { name: "other" } };
    await post(url, { ...base, tools: [weather, other], tool_choice: "required" });
    await post(url, {
      ...base,
      tools: [weather, other],
      tool_choice: { type: "function", function: { name: "other" } },
      parallel_tool_calls: false,
    });
    await post(url, { ...base, tool_choice: "none" });
    expect(generator.requests[0]).toMatchObject({ toolMode: "required" });
    expect(generator.requests[0]?.tools).toHaveLength(2);
    expect(generator.requests[1]).toMatchObject({ toolMode: "required", tools: [{ name: "other" }], maxToolCalls: 1 });
    expect(generator.requests[2]?.tools).toBeUndefined();
  });

  it("accepts role tool results and hands them to the model with the call they answer", async () => {
    const { url, generator } = await start(new ScriptedGenerator({ reply: "It is sunny." }));
    const response = await post(url, {
      ...base,
      messages: [
        ...base.messages,
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny, 21 C" },
      ],
    });
    expect(response.status).toBe(200);
    expect(generator.requests[0]?.messages.at(-1)).toEqual({
      role: "assistant",
      content: "",
      toolCalls: [{ name: "get_weather", arguments: '{"city":"Oslo"}', result: "sunny, 21 C" }],
    });
  });

  it.each([
    ["an unknown field", { ...base, audio: { voice: "x" } }, "audio"],
    ["n above 1", { ...base, n: 2 }, "n"],
    ["logprobs", { ...base, logprobs: true }, "logprobs"],
    [
      "an image part",
      { ...base, messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }] },
      "messages[0].content[0].type",
    ],
    ["tool_choice required without tools", { ...base, tools: undefined, tool_choice: "required" }, "tool_choice"],
    [
      "a named function that is not a tool",
      { ...base, tool_choice: { type: "function", function: { name: "nope" } } },
      "tool_choice.function.name",
    ],
    [
      "parameters a grammar cannot express",
      {
        ...base,
        tools: [{ type: "function", function: { name: "f", parameters: { type: "string", pattern: "^a" } } }],
      },
      "tools[0].function.parameters",
    ],
    [
      "a tool result that answers no call",
      { ...base, messages: [...base.messages, { role: "tool", tool_call_id: "x", content: "r" }] },
      "messages[1].tool_call_id",
    ],
    [
      "a tool call left unanswered",
      {
        ...base,
        messages: [
          ...base.messages,
          {
            role: "assistant",
            tool_calls: [{ id: "c", type: "function", function: { name: "get_weather", arguments: "{}" } }],
          },
          { role: "user", content: "and?" },
        ],
      },
      "messages[2]",
    ],
  ])("answers 400 in OpenAI's error shape for %s, naming the field", async (_what, body, param) => {
    const { url, generator } = await start();
    const response = await post(url, body);
    expect(response.status).toBe(400);
    const error = ((await response.json()) as { error: { type: string; param: string | null; message: string } }).error;
    expect(error.type).toBe("invalid_request_error");
    if (param !== undefined) {
      expect(error.param).toBe(param);
      expect(error.message).toContain(param);
    }
    expect(generator.requests).toHaveLength(0);
  });
});
