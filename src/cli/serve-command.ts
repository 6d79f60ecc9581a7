import { resolve } from "node:path";
import { z } from "zod";
import { AGENT_IDS, DEFAULT_ROSTER } from "../agents/index.js";
import { loadLocalModel } from "../compose/create-engine.js";
import { readCliEnv, ThreadCount } from "../config/cli-env.js";
import { readModelConfig } from "../config/model-config.js";
import { UsageError } from "../core/errors.js";
import { startServeServer } from "../serve/serve-server.js";

/** Flags of `tanuki serve` (strings as commander gives them). */
export interface ServeFlags {
  host?: string;
  port?: string;
  model?: string;
  token?: string;
  threads?: string;
  sequences?: string;
  contextSize?: string;
  rateLimit?: string;
  maxBody?: string;
  teamPlans?: string;
  teamRounds?: string;
  quiet?: boolean;
}

/** What `tanuki serve` needs from its process. */
export interface ServeCommandContext {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  /** Stops the server (SIGINT/SIGTERM). */
  signal: AbortSignal;
}

const Flags = z.object({
  host: z.string().min(1).default("127.0.0.1"),
  port: z.coerce.number().int().min(0).max(65535).default(8088),
  threads: ThreadCount.optional(),
  sequences: z.coerce.number().int().min(1).max(64).default(1),
  contextSize: z.coerce.number().int().min(256).optional(),
  rateLimit: z.coerce.number().int().min(1).max(100_000).default(120),
  maxBody: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  teamPlans: z.coerce.number().int().min(1).max(5).default(2),
  teamRounds: z.coerce.number().int().min(1).max(5).default(2),
});

/**
 * `tanuki serve`: an OpenAI-compatible endpoint over the local model, one model id per roster agent
 * (`tanuki-coder`, …), each with its LoRA adapter, plus `tanuki-team` (the agent team behind one model id). Prints `tanuki serve: listening on <url>/v1` on stdout, then
 * serves until `context.signal` aborts. The token comes from `--token` or `TANUKI_SERVE_TOKEN`; binding beyond
 * loopback without one is refused.
 *
 * @returns 0 after a clean shutdown
 * @throws UsageError for invalid flags; ConfigError (no token beyond localhost, bad environment); ModelError
 */
export async function runServeCommand(flags: ServeFlags, context: ServeCommandContext): Promise<number> {
  const env = readCliEnv(context.env);
  const parsed = Flags.safeParse(flags);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const options = parsed.data;
  const token = flags.token ?? context.env.TANUKI_SERVE_TOKEN;
  const model = await loadLocalModel({
    modelConfig: readModelConfig(context.env, { adaptersDir: resolve("adapters") }),
    model: flags.model ?? env.TANUKI_MODEL,
    modelDir: env.TANUKI_MODEL_DIR,
    threads: options.threads ?? env.TANUKI_THREADS,
    sequences: options.sequences,
    contextSize: options.contextSize,
    signal: context.signal,
  });
  const agents = [...new Set([...DEFAULT_ROSTER.map((entry) => entry.id), ...Object.values(AGENT_IDS)])];
  try {
    const server = await startServeServer({
      generator: model,
      agents,
      host: options.host,
      port: options.port,
      token,
      maxBodyBytes: options.maxBody,
      rateLimit: { requests: options.rateLimit, windowSeconds: 60 },
      log: flags.quiet ? undefined : (line) => context.stderr.write(`${line}\n`),
      team: { model, plans: options.teamPlans, rounds: options.teamRounds },
    });
    const adapters = agents.filter((agent) => model.adapterFor(agent)).length;
    context.stdout.write(`tanuki serve: listening on ${server.url}/v1\n`);
    context.stderr.write(
      `tanuki serve: ${model.name}, ${agents.length} models (${adapters} with a LoRA adapter) and tanuki-team, context ` +
        `${model.contextSize} tokens, ${token ? "bearer token required" : "no token (localhost only)"}\n`,
    );
    if (!context.signal.aborted) {
      await new Promise<void>((resolve) => context.signal.addEventListener("abort", () => resolve(), { once: true }));
    }
    await server.close();
    return 0;
  } finally {
    await model.dispose();
  }
}
