import { z } from "zod";
import { ConfigError } from "../core/errors.js";

/**
 * Environment variables that choose and configure the model backend. Defaults in brackets.
 *
 * - `TANUKI_BACKEND`: `llama-cpp` (local GGUF through node-llama-cpp) or `openai` (an OpenAI-compatible server:
 *   vLLM, llama-server, Ollama, `tanuki serve`) [llama-cpp].
 * - `TANUKI_ADAPTERS_DIR`: folder holding `adapters.yml` and the LoRA files [`./adapters`].
 * - `TANUKI_ADAPTER_RAM_BUDGET_MB`, `TANUKI_ADAPTER_VRAM_BUDGET_MB`: memory the adapter contexts may use, MiB
 *   [half the free RAM, 80 % of the free VRAM].
 * - `TANUKI_OPENAI_BASE_URL`: the server's API root, e.g. `http://gpu-box:8000/v1` (required for `openai`).
 * - `TANUKI_OPENAI_API_KEY`: bearer token [none].
 * - `TANUKI_OPENAI_MODEL`: served model name for agents not in `TANUKI_OPENAI_MODELS` [the agent id itself, e.g.
 *   `tanuki-coder`: what `tanuki serve` and vLLM's `--lora-modules tanuki-coder=…` serve].
 * - `TANUKI_OPENAI_MODELS`: per-agent names, `agent=name` pairs separated by commas
 *   (`tanuki-coder=coder-lora,tanuki-tester=tester-lora`).
 * - `TANUKI_OPENAI_TIMEOUT_MS`: time limit of one call including retries, ms [120000].
 * - `TANUKI_OPENAI_MAX_RETRIES`: retries on connection errors, 408/409/429 and 5xx [2].
 * - `TANUKI_OPENAI_CONTEXT_SIZE`: the served context size, tokens [asked from the server's `/models`].
 */
export const ModelEnv = z.object({
  TANUKI_BACKEND: z.enum(["llama-cpp", "openai"]).default("llama-cpp"),
  TANUKI_ADAPTERS_DIR: z.string().min(1).optional(),
  TANUKI_ADAPTER_RAM_BUDGET_MB: z.coerce.number().int().min(1).optional(),
  TANUKI_ADAPTER_VRAM_BUDGET_MB: z.coerce.number().int().min(1).optional(),
  TANUKI_OPENAI_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  TANUKI_OPENAI_API_KEY: z.string().min(1).optional(),
  TANUKI_OPENAI_MODEL: z.string().min(1).max(200).optional(),
  TANUKI_OPENAI_MODELS: z.string().optional(),
  TANUKI_OPENAI_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  TANUKI_OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  TANUKI_OPENAI_CONTEXT_SIZE: z.coerce.number().int().min(256).optional(),
});
export type ModelEnv = z.infer<typeof ModelEnv>;

/** The local backend: node-llama-cpp, one LoRA adapter per agent from the adapters folder. */
export interface LlamaCppBackendConfig {
  backend: "llama-cpp";
  adaptersDir: string;
  /** Bytes; absent = the default budget. */
  memoryBudget?: { ramBytes?: number; vramBytes?: number };
}

/** A remote OpenAI-compatible server. */
export interface OpenAIBackendConfig {
  backend: "openai";
  baseUrl: string;
  apiKey?: string;
  /** Model for agents not in `models`; undefined = the agent id. */
  defaultModel?: string;
  /** Agent id → served model name. */
  models: Record<string, string>;
  timeoutMs: number;
  maxRetries: number;
  contextSize?: number;
}

/** Which backend runs the agents, and its settings. */
export type ModelConfig = LlamaCppBackendConfig | OpenAIBackendConfig;

const MIB = 1024 * 1024;

/**
 * Validates the backend variables of `env` (see {@link ModelEnv}).
 *
 * @param defaults.adaptersDir  used when `TANUKI_ADAPTERS_DIR` is unset (entry points pass `<cwd>/adapters`)
 * @throws ConfigError naming each invalid variable, and when `openai` is chosen without `TANUKI_OPENAI_BASE_URL`
 */
export function readModelConfig(env: NodeJS.ProcessEnv, defaults: { adaptersDir: string }): ModelConfig {
  const parsed = ModelEnv.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid environment:\n  ${issues.join("\n  ")}`, issues);
  }
  const e = parsed.data;
  if (e.TANUKI_BACKEND === "llama-cpp") {
    const budget = {
      ...(e.TANUKI_ADAPTER_RAM_BUDGET_MB ? { ramBytes: e.TANUKI_ADAPTER_RAM_BUDGET_MB * MIB } : {}),
      ...(e.TANUKI_ADAPTER_VRAM_BUDGET_MB ? { vramBytes: e.TANUKI_ADAPTER_VRAM_BUDGET_MB * MIB } : {}),
    };
    return {
      backend: "llama-cpp",
      adaptersDir: e.TANUKI_ADAPTERS_DIR ?? defaults.adaptersDir,
      ...(Object.keys(budget).length > 0 ? { memoryBudget: budget } : {}),
    };
  }
  if (e.TANUKI_OPENAI_BASE_URL === undefined) {
    const issue = "TANUKI_OPENAI_BASE_URL: required when TANUKI_BACKEND=openai (e.g. http://localhost:8000/v1)";
    throw new ConfigError(`Invalid environment:\n  ${issue}`, [issue]);
  }
  return {
    backend: "openai",
    baseUrl: e.TANUKI_OPENAI_BASE_URL,
    apiKey: e.TANUKI_OPENAI_API_KEY,
    defaultModel: e.TANUKI_OPENAI_MODEL,
    models: parseModelMap(e.TANUKI_OPENAI_MODELS ?? ""),
    timeoutMs: e.TANUKI_OPENAI_TIMEOUT_MS,
    maxRetries: e.TANUKI_OPENAI_MAX_RETRIES,
    contextSize: e.TANUKI_OPENAI_CONTEXT_SIZE,
  };
}

/**
 * Parses `agent=name,agent=name` (whitespace ignored).
 * @throws ConfigError naming the malformed pair
 */
export function parseModelMap(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const pair of text.split(",").map((p) => p.trim())) {
    if (pair === "") continue;
    const match = /^([a-z0-9][a-z0-9-]*)\s*=\s*(\S+)$/.exec(pair);
    if (match === null) {
      const issue = `TANUKI_OPENAI_MODELS: "${pair}" is not agent=model (e.g. tanuki-coder=my-coder-lora)`;
      throw new ConfigError(`Invalid environment:\n  ${issue}`, [issue]);
    }
    result[match[1] as string] = match[2] as string;
  }
  return result;
}
