/**
 * LoRA adapters per agent on one loaded model (node-llama-cpp), measured on a GGUF model with small generated
 * adapters (test/helpers/lora-gguf.ts; rank 4 on every attention and FFN weight, shaped from the model's own GGUF
 * header, so any llama-style model works). Reports:
 *
 * - `switch`: time to obtain another agent's already-loaded adapter context (`meta.switchMs`: a map lookup, no
 *   reload), over many alternating calls of two agents, and the one-off cost of loading an adapter (context +
 *   adapter weights);
 * - `prefixReuse`: time to first token of a second call on the same briefing when its context already holds the
 *   evaluated prefix, against a cold context (a KV cache is only valid for the adapters it was computed with, so
 *   reuse happens within an adapter set);
 * - `decode`: tokens/s with and without an adapter (same prompt, a JSON grammar that forces a long answer);
 * - `rss`: peak resident memory with 1, 2 and 4 concurrent jobs (each job: planner → coder → tester → reviewer on
 *   its own briefing, three of them with adapters, `sequences` = jobs), each in a fresh process.
 *
 * Run alone: `npx tsx bench/adapter-bench.ts [MODEL.gguf]` (default `TANUKI_TEST_MODEL`) prints the JSON.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ChatMessage } from "../src/llm/chat-model.js";
import { type AgentAdapter, LlamaCppModel } from "../src/llm/llama-cpp-model.js";
import { readBaseModelIdentity } from "../src/llm/lora-check.js";
import { type LoraBaseShape, writeLoraGguf } from "../test/helpers/lora-gguf.js";

/** Options of {@link benchAdapters}. */
export interface AdapterBenchOptions {
  modelPath: string;
  /** Alternating calls measured for the switch time. Default 200. */
  switches?: number;
}

const LONG_ANSWER = {
  name: "Story",
  schema: {
    type: "object",
    properties: { story: { type: "string", minLength: 400, maxLength: 500 } },
    required: ["story"],
  },
};

function briefing(seed: number): ChatMessage[] {
  const facts = Array.from({ length: 20 }, (_, i) => `Fact ${seed}.${i}: the fox keeps ${i} red balls in the garden.`);
  return [
    { role: "system", content: "You are one of Tanuki's agents. Answer with JSON." },
    { role: "user", content: `Briefing:\n${facts.join("\n")}\nTask: tell what the fox does next.` },
  ];
}

/** The adapter shapes of a llama-style model, from its GGUF header. */
async function loraShape(modelPath: string): Promise<LoraBaseShape> {
  const base = await readBaseModelIdentity(modelPath);
  const dims = (name: string) => base.tensors.get(name) ?? [];
  return {
    architecture: base.architecture,
    embedding: dims("blk.0.attn_q.weight")[0] ?? 0,
    layers: base.blockCount ?? 0,
    kvWidth: dims("blk.0.attn_k.weight")[1] ?? 0,
    feedForward: dims("blk.0.ffn_up.weight")[1] ?? 0,
  };
}

async function withAdapters<T>(modelPath: string, fn: (files: string[]) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "tanuki-adapter-bench-"));
  try {
    const base = await loraShape(modelPath);
    const files = [1, 2, 3].map((seed) => join(dir, `lora-${seed}.gguf`));
    for (const [i, file] of files.entries()) await writeLoraGguf(file, { base, seed: i + 1, amplitude: 0.05 });
    return await fn(files);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function stats(values: number[]): { mean: number; p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
  return { mean: round3(mean), p50: round3(at(0.5)), p99: round3(at(0.99)), max: round3(at(1)) };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const round1 = (n: number) => Math.round(n * 10) / 10;

/** Time to first token (ms) and decode speed of one generation. */
async function timedGeneration(model: LlamaCppModel, agent: string, messages: ChatMessage[], schema = LONG_ANSWER) {
  const started = performance.now();
  let first: number | undefined;
  const result = await model.generateText({
    agent,
    messages,
    maxTokens: 700,
    jsonSchema: schema,
    onTextChunk: () => {
      first ??= performance.now();
    },
  });
  const end = performance.now();
  const ttftMs = (first ?? end) - started;
  const decodeTokens = Math.max(0, result.usage.completionTokens - 1);
  return {
    ttftMs,
    tokensPerSecond: decodeTokens / Math.max(1e-6, (end - (first ?? end)) / 1000),
    completionTokens: result.usage.completionTokens,
    meta: result.meta,
  };
}

async function measureInProcess(options: AdapterBenchOptions, files: string[]) {
  const [a, b] = files as [string, string];
  const adapters: Record<string, AgentAdapter> = {
    "tanuki-coder": { filePath: a, scale: 1 },
    "tanuki-tester": { filePath: b, scale: 1 },
  };
  const model = await LlamaCppModel.load({ modelPath: options.modelPath, gpu: false, adapters });
  try {
    const short: ChatMessage[] = [{ role: "user", content: "Once upon a time" }];
    const loads: number[] = [];
    for (const agent of ["tanuki-coder", "tanuki-tester"]) {
      const answer = await model.generateText({ agent, messages: short, maxTokens: 1 });
      loads.push(Number(answer.meta.switchMs));
    }
    const switchMs: number[] = [];
    const n = options.switches ?? 200;
    for (let i = 0; i < n; i++) {
      const agent = i % 2 === 0 ? "tanuki-coder" : "tanuki-tester";
      const answer = await model.generateText({ agent, messages: short, maxTokens: 1 });
      if (answer.meta.switched) switchMs.push(Number(answer.meta.switchMs));
    }

    // Prefix reuse: the same briefing a second time on a context that holds it, vs a cold context.
    const brief = briefing(1);
    const cold = await timedGeneration(model, "tanuki-planner", brief);
    const warm = await timedGeneration(model, "tanuki-planner", brief);
    const coldOtherAdapter = await timedGeneration(model, "tanuki-coder", brief);

    const base = await timedGeneration(model, "tanuki-planner", briefing(2));
    const adapted = await timedGeneration(model, "tanuki-tester", briefing(2));
    return {
      switch: {
        unit: "ms",
        goalMs: 1,
        betweenLoadedAdapters: stats(switchMs),
        samples: switchMs.length,
        firstLoadMs: loads.map(round3),
      },
      prefixReuse: {
        unit: "ms",
        promptTokens: Number(cold.meta.evaluatedPromptTokens) + Number(cold.meta.reusedPromptTokens),
        coldTtftMs: round1(cold.ttftMs),
        reusedTtftMs: round1(warm.ttftMs),
        reusedPromptTokens: warm.meta.reusedPromptTokens,
        otherAdapterTtftMs: round1(coldOtherAdapter.ttftMs),
        otherAdapterReusedTokens: coldOtherAdapter.meta.reusedPromptTokens,
      },
      decode: {
        unit: "tokens/s",
        base: { tokensPerSecond: round1(base.tokensPerSecond), tokens: base.completionTokens },
        withAdapter: { tokensPerSecond: round1(adapted.tokensPerSecond), tokens: adapted.completionTokens },
      },
      threads: model.threads,
      memory: model.memoryReport(),
    };
  } finally {
    await model.dispose();
  }
}

/** One process, `jobs` concurrent jobs of four agent calls each; prints `{ peakRssBytes, wallMs }`. */
async function runJobs(modelPath: string, jobs: number): Promise<Record<string, number>> {
  return withAdapters(modelPath, async (files) => {
    const [a, b, c] = files as [string, string, string];
    const model = await LlamaCppModel.load({
      modelPath,
      gpu: false,
      sequences: jobs,
      contextSize: 1024,
      adapters: {
        "tanuki-coder": { filePath: a, scale: 1 },
        "tanuki-tester": { filePath: b, scale: 1 },
        "tanuki-reviewer": { filePath: c, scale: 1 },
      },
    });
    let peak = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage.rss());
    }, 5);
    const started = performance.now();
    try {
      const schema = {
        name: "Short",
        schema: { type: "object", properties: { note: { type: "string", maxLength: 80 } }, required: ["note"] },
      };
      await Promise.all(
        Array.from({ length: jobs }, async (_, job) => {
          for (const agent of ["tanuki-planner", "tanuki-coder", "tanuki-tester", "tanuki-reviewer"]) {
            await model.generateText({ agent, messages: briefing(job), maxTokens: 64, jsonSchema: schema });
          }
        }),
      );
      const wallMs = performance.now() - started;
      peak = Math.max(peak, process.memoryUsage.rss());
      return { jobs, peakRssBytes: peak, wallMs: round1(wallMs), contexts: Number(model.memoryReport().contexts) };
    } finally {
      clearInterval(sampler);
      await model.dispose();
    }
  });
}

function runJobsInChild(modelPath: string, jobs: number): Promise<Record<string, number>> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", self, "--jobs", String(jobs), modelPath], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += String(chunk);
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`rss job child exited with ${code}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1) ?? "{}"));
    });
  });
}

/** Runs every measurement; see the file comment. Pure measurement: returns a JSON-able object. */
export async function benchAdapters(options: AdapterBenchOptions): Promise<Record<string, unknown>> {
  const inProcess = await withAdapters(options.modelPath, (files) => measureInProcess(options, files));
  const rss = [];
  for (const jobs of [1, 2, 4]) rss.push(await runJobsInChild(options.modelPath, jobs));
  return {
    model: basename(options.modelPath),
    adapter: "generated LoRA, rank 4, F32, attention + FFN of every layer",
    ...inProcess,
    rss: rss.map((r) => ({ ...r, peakRssMiB: round1((r.peakRssBytes ?? 0) / 1024 / 1024) })),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const jobsFlag = process.argv.indexOf("--jobs");
  if (jobsFlag >= 0) {
    const jobs = Number(process.argv[jobsFlag + 1]);
    const modelPath = process.argv[jobsFlag + 2] ?? (process.env.TANUKI_TEST_MODEL as string);
    console.log(JSON.stringify(await runJobs(modelPath, jobs)));
  } else {
    const modelPath = process.argv[2] ?? process.env.TANUKI_TEST_MODEL;
    if (!modelPath) {
      console.error("usage: npx tsx bench/adapter-bench.ts MODEL.gguf (or set TANUKI_TEST_MODEL)");
      process.exit(2);
    }
    console.log(JSON.stringify(await benchAdapters({ modelPath }), null, 2));
  }
}
