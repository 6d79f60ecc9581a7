/**
 * Token generation speed of a GGUF model through node-llama-cpp, by thread count, in one run:
 * Tanuki's automatic choice (`chooseThreads` over `availableCpuCount`) beside every fixed count 1..N
 * (N = available CPUs) and N+2 (oversubscribed), all with the same prompt, greedy sampling, the end-of-text
 * token banned (so every run generates the same tokens) and the same token count. Each configuration runs
 * `rounds` times in turn and keeps its best round (the machine may be shared; the best round is the least
 * disturbed one). A run that exceeds `maxSecondsPerRun` stops early and is marked `capped` (oversubscribed
 * runs can fall to ~1 token/s); its speed is still tokens generated / time.
 *
 * Reported speeds are decode tokens/s: tokens after the first, over the time since the first token (so the
 * prompt evaluation does not count). Pure measurement: returns a JSON-able object.
 *
 * Run alone: `npx tsx bench/model-bench.ts [MODEL.gguf]` (default `TANUKI_TEST_MODEL`) prints the JSON.
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";
import { getLlama, LlamaChat, LlamaLogLevel, type LlamaModel, TokenBias } from "node-llama-cpp";
import { availableCpuCount, chooseThreads } from "../src/llm/threads.js";

/** Options of {@link benchModel}. */
export interface ModelBenchOptions {
  modelPath: string;
  /** Tokens generated per run. Default 128. */
  tokens?: number;
  /** Rounds per configuration (best kept). Default 2. */
  rounds?: number;
  /** Wall-time cap of one run, s. Default 20. */
  maxSecondsPerRun?: number;
}

interface RunResult {
  threads: number;
  tokensPerSecond: number;
  generatedTokens: number;
  promptMs: number;
  capped: boolean;
}

const PROMPT = "Once upon a time, a little fox found a red ball in the garden.";

/** Measures decode speed by thread count; see the file comment for the method. */
export async function benchModel(options: ModelBenchOptions): Promise<Record<string, unknown>> {
  const tokens = options.tokens ?? 128;
  const rounds = options.rounds ?? 2;
  const capMs = (options.maxSecondsPerRun ?? 20) * 1000;
  const modelSizeBytes = (await stat(options.modelPath)).size;
  const availableCpus = availableCpuCount();
  const autoThreads = chooseThreads({ availableCpus, modelSizeBytes });
  const fixed = [...Array.from({ length: availableCpus }, (_, i) => i + 1), availableCpus + 2];

  const llama = await getLlama({ gpu: false, build: "never", skipDownload: true, logLevel: LlamaLogLevel.error });
  llama.maxThreads = 0; // let each context use exactly the threads it asks for
  const model = await llama.loadModel({ modelPath: options.modelPath });
  try {
    await generate(model, autoThreads, Math.min(tokens, 16), capMs); // warm-up: page in weights
    const best = new Map<string, RunResult>();
    const configs = [
      { label: "auto", threads: autoThreads },
      ...fixed.map((t) => ({ label: `fixed-${t}`, threads: t })),
    ];
    for (let round = 0; round < rounds; round++) {
      for (const { label, threads } of configs) {
        const run = await generate(model, threads, tokens, capMs);
        const previous = best.get(label);
        if (previous === undefined || run.tokensPerSecond > previous.tokensPerSecond) best.set(label, run);
      }
    }
    const fixedRuns = fixed.map((t) => ({ ...(best.get(`fixed-${t}`) as RunResult) }));
    const bestFixed = fixedRuns.reduce((a, b) => (b.tokensPerSecond > a.tokensPerSecond ? b : a));
    const auto = best.get("auto") as RunResult;
    return {
      model: basename(options.modelPath),
      modelSizeBytes,
      availableCpus,
      tokens,
      rounds,
      unit: "tokens/s",
      auto: { ...auto, tokensPerSecond: round1(auto.tokensPerSecond) },
      fixed: fixedRuns.map((r) => ({ ...r, tokensPerSecond: round1(r.tokensPerSecond) })),
      bestFixed: { threads: bestFixed.threads, tokensPerSecond: round1(bestFixed.tokensPerSecond) },
      autoVsBestFixed: round1((auto.tokensPerSecond / bestFixed.tokensPerSecond) * 100) / 100,
    };
  } finally {
    await model.dispose();
    await llama.dispose();
  }
}

async function generate(model: LlamaModel, threads: number, tokens: number, capMs: number): Promise<RunResult> {
  const context = await model.createContext({ contextSize: Math.min(model.trainContextSize, 2048), threads });
  const chat = new LlamaChat({ contextSequence: context.getSequence() });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), capMs);
  const bias = new TokenBias(model.tokenizer);
  if (model.tokens.eos !== null) bias.set(model.tokens.eos, "never");
  let generated = 0;
  let firstTokenAt: number | undefined;
  const started = performance.now();
  try {
    await chat.generateResponse(
      [
        { type: "user", text: PROMPT },
        { type: "model", response: [] },
      ],
      {
        maxTokens: tokens,
        temperature: 0,
        repeatPenalty: false,
        tokenBias: bias,
        signal: controller.signal,
        stopOnAbortSignal: true,
        onToken: (chunk) => {
          firstTokenAt ??= performance.now();
          generated += chunk.length;
        },
      },
    );
  } finally {
    clearTimeout(timer);
    chat.dispose();
    await context.dispose();
  }
  const ended = performance.now();
  const decodeMs = firstTokenAt === undefined ? 0 : ended - firstTokenAt;
  return {
    threads,
    tokensPerSecond: decodeMs > 0 && generated > 1 ? ((generated - 1) / decodeMs) * 1000 : 0,
    generatedTokens: generated,
    promptMs: Math.round((firstTokenAt ?? ended) - started),
    capped: controller.signal.aborted,
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const modelPath = process.argv[2] ?? process.env.TANUKI_TEST_MODEL;
  if (!modelPath) {
    console.error("usage: npx tsx bench/model-bench.ts [MODEL.gguf]  (or set TANUKI_TEST_MODEL)");
    process.exitCode = 2;
  } else {
    console.log(JSON.stringify(await benchModel({ modelPath }), null, 2));
  }
}
