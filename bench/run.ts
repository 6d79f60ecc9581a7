/**
 * `npm run bench`: runs every benchmark and writes one JSON file per benchmark under bench/results/
 * (plus `all.json`). Speed and memory targets live here, never in timed tests.
 *
 * Select with `npm run bench -- loop sandbox` (names: loop, sandbox, model, adapters, environment, webhooks, webhook-body, text, context, serve, eval). Benchmarks whose
 * dependency is missing (no Docker engine, no TANUKI_TEST_MODEL) are recorded as skipped with the reason.
 */
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

type Bench = () => Promise<Record<string, unknown>>;

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");
const modelPath = process.env.TANUKI_TEST_MODEL;
const image = process.env.TANUKI_SANDBOX_IMAGE ?? "tanuki-sandbox:latest";

const benches: Record<string, Bench> = {
  loop: async () => (await import("./loop-bench.js")).benchLoop({ image }),
  sandbox: async () => (await import("./sandbox-bench.js")).benchSandbox({ image }),
  model: async () => {
    if (!modelPath) return { skipped: "set TANUKI_TEST_MODEL to a GGUF file" };
    return (await import("./model-bench.js")).benchModel({ modelPath });
  },
  adapters: async () => {
    if (!modelPath) return { skipped: "set TANUKI_TEST_MODEL to a GGUF file" };
    return (await import("./adapter-bench.js")).benchAdapters({ modelPath });
  },
  environment: async () => (await import("./environment-bench.js")).benchEnvironment(),
  webhooks: async () => (await import("./webhook-bench.js")).benchWebhooks(),
  "webhook-body": async () => (await import("./webhook-body-bench.js")).benchWebhookBody(),
  text: async () => (await import("./text-bench.js")).benchText(),
  context: async () => (await import("./context-bench.js")).benchContext(),
  serve: async () => (await import("./serve-bench.js")).benchServe({ modelPath }),
  eval: async () =>
    (await import("./eval-bench.js")).benchEval({
      image,
      reposDir: process.env.TANUKI_EVAL_REPOS,
      languages: process.env.TANUKI_EVAL_LANGUAGES?.split(","),
    }),
};

const selected = process.argv.slice(2).filter((name) => !name.startsWith("-"));
const names = selected.length > 0 ? selected : Object.keys(benches);
const machine = {
  node: process.version,
  cpus: os.availableParallelism(),
  memoryBytes: os.totalmem(),
  platform: `${os.platform()}-${os.arch()}`,
};
const all: Record<string, unknown> = { at: new Date().toISOString(), machine };
let failed = false;

await mkdir(resultsDir, { recursive: true });
for (const name of names) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark "${name}" (known: ${Object.keys(benches).join(", ")})`);
    process.exitCode = 2;
    continue;
  }
  console.error(`bench: ${name}…`);
  let result: Record<string, unknown>;
  try {
    result = await bench();
  } catch (error) {
    failed = true;
    result = { error: (error as Error).message };
  }
  all[name] = result;
  await writeFile(join(resultsDir, `${name}.json`), `${JSON.stringify({ at: all.at, machine, ...result }, null, 2)}\n`);
  console.log(`${name}: ${JSON.stringify(result)}`);
}
await writeFile(join(resultsDir, "all.json"), `${JSON.stringify(all, null, 2)}\n`);
if (failed) process.exitCode = 1;
