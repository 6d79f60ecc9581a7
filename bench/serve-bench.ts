/**
 * `tanuki serve` numbers, through the official `openai` client over HTTP:
 *
 * - `toolCall` vs `plainChat` on the same GGUF model (needs TANUKI_TEST_MODEL): time to first token (the first
 *   content delta, or the first `tool_calls` delta) and decode tokens/s (completion tokens over the time after the
 *   first token), streamed, median of `rounds` runs. The tool call is forced (`tool_choice: "required"`), so its
 *   arguments are generated under the tool's grammar.
 * - `team`: overhead of the `tanuki-team` model per request on a scripted model (no real generation): internal
 *   model calls, tokens counted in `usage` against a direct `tanuki-coder` request, and the wall time of both.
 *
 * Run alone: `npx tsx bench/serve-bench.ts` prints the JSON.
 */
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import OpenAI from "openai";
import { LlamaCppModel } from "../src/llm/llama-cpp-model.js";
import type { ServeGenerator } from "../src/serve/serve-generator.js";
import { startServeServer } from "../src/serve/serve-server.js";
import { ScriptedGenerator } from "../test/helpers/scripted-generator.js";
import { ScriptedModel } from "../test/helpers/scripted-model.js";

const PROMPT = "Once upon a time, a little fox found a red ball in the garden. What happened next?";
const TOOL = {
  type: "function" as const,
  function: {
    name: "tell_story",
    description: "Tell a short story",
    parameters: {
      type: "object",
      properties: { title: { type: "string", maxLength: 40 }, sentences: { type: "integer", minimum: 1, maximum: 9 } },
      required: ["title", "sentences"],
    },
  },
};

interface Timing {
  ttftMs: number;
  tokensPerSecond: number;
  completionTokens: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timeStream(client: OpenAI, withTool: boolean, maxTokens: number): Promise<Timing> {
  const started = performance.now();
  let first: number | undefined;
  let tokens = 0;
  const stream = await client.chat.completions.create({
    model: "tanuki-coder",
    messages: [{ role: "user", content: PROMPT }],
    max_tokens: maxTokens,
    stream: true,
    stream_options: { include_usage: true },
    ...(withTool ? { tools: [TOOL], tool_choice: "required" as const } : {}),
  });
  for await (const chunk of stream) {
    const delta = chunk.choices[0]?.delta;
    if (first === undefined && (delta?.content || delta?.tool_calls?.length)) first = performance.now();
    if (chunk.usage) tokens = chunk.usage.completion_tokens;
  }
  const ended = performance.now();
  const firstAt = first ?? ended;
  return {
    ttftMs: firstAt - started,
    tokensPerSecond: tokens > 1 ? (tokens - 1) / ((ended - firstAt) / 1000 || Number.EPSILON) : 0,
    completionTokens: tokens,
  };
}

function summarize(runs: Timing[]) {
  return {
    ttftMs: Math.round(median(runs.map((r) => r.ttftMs)) * 10) / 10,
    tokensPerSecond: Math.round(median(runs.map((r) => r.tokensPerSecond)) * 10) / 10,
    completionTokens: median(runs.map((r) => r.completionTokens)),
    runs: runs.length,
  };
}

/** TTFT and tokens/s of a forced tool call vs plain chat on `modelPath`. */
export async function benchServeModel(options: { modelPath: string; rounds?: number; maxTokens?: number }) {
  const model = await LlamaCppModel.load({ modelPath: options.modelPath, threads: 1, contextSize: 1024 });
  const server = await startServeServer({ generator: model, agents: ["tanuki-coder"], port: 0 });
  try {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "none", maxRetries: 0 });
    const rounds = options.rounds ?? 5;
    const maxTokens = options.maxTokens ?? 64;
    await timeStream(client, false, 8);
    const plain: Timing[] = [];
    const tool: Timing[] = [];
    for (let i = 0; i < rounds; i += 1) {
      plain.push(await timeStream(client, false, maxTokens));
      tool.push(await timeStream(client, true, maxTokens));
    }
    return { model: model.name, threads: model.threads, plainChat: summarize(plain), toolCall: summarize(tool) };
  } finally {
    await server.close();
    await model.dispose();
  }
}

/** Team model overhead per request on a scripted model. */
export async function benchTeam(options: { requests?: number } = {}) {
  const plan = { summary: "one step", steps: [{ files: ["a.ts"], intent: "change it", agent: "tanuki-coder" }] };
  const model = new ScriptedModel({
    "tanuki-planner:PlannerOutput": plan,
    "tanuki-planner:CritiqueOutput": {
      critiques: [{ planIndex: 0, strengths: "s", weaknesses: "w", score: 7 }],
      chosenIndex: 0,
      reasons: "r",
    },
    // Blocks the first answer of every request, approves the second: two coder rounds per request.
    "tanuki-reviewer:ReviewerOutput": (_call: unknown, index: number) =>
      index % 2 === 0
        ? {
            verdict: "request-changes",
            summary: "s",
            findings: [{ file: "a.ts", line: 1, severity: "blocking", explanation: "x", suggestion: "" }],
          }
        : { verdict: "approve", summary: "ok", findings: [] },
  });
  const scripted = new ScriptedGenerator({ reply: "the answer" });
  const generator: ServeGenerator = scripted;
  const server = await startServeServer({ generator, agents: ["tanuki-coder"], port: 0, team: { model } });
  try {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "none", maxRetries: 0 });
    const requests = options.requests ?? 20;
    const ask = async (id: string) => {
      const started = performance.now();
      const answer = await client.chat.completions.create({
        model: id,
        messages: [{ role: "user", content: "fix the bug in a.ts" }],
      });
      return { ms: performance.now() - started, tokens: answer.usage?.total_tokens ?? 0 };
    };
    const direct: { ms: number; tokens: number }[] = [];
    const team: { ms: number; tokens: number }[] = [];
    for (let i = 0; i < requests; i += 1) {
      direct.push(await ask("tanuki-coder"));
      team.push(await ask("tanuki-team"));
    }
    const structuredCalls = model.calls.length / requests;
    const coderCalls = (scripted.requests.length - requests) / requests;
    return {
      requests,
      note: "scripted model (no generation time); the reviewer blocks the first answer of each request",
      internalCallsPerRequest: structuredCalls + coderCalls,
      structuredCallsPerRequest: structuredCalls,
      coderCallsPerRequest: coderCalls,
      tokensPerRequest: { direct: median(direct.map((d) => d.tokens)), team: median(team.map((t) => t.tokens)) },
      wallMsPerRequest: {
        direct: Math.round(median(direct.map((d) => d.ms)) * 100) / 100,
        team: Math.round(median(team.map((t) => t.ms)) * 100) / 100,
      },
    };
  } finally {
    await server.close();
  }
}

/** Both parts; the model part is skipped without a model. */
export async function benchServe(options: { modelPath?: string }) {
  return {
    model: options.modelPath
      ? await benchServeModel({ modelPath: options.modelPath })
      : { skipped: "set TANUKI_TEST_MODEL to a GGUF file" },
    team: await benchTeam(),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await benchServe({ modelPath: process.env.TANUKI_TEST_MODEL }), null, 2));
}
