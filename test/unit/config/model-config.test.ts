import { describe, expect, it } from "vitest";
import { parseModelMap, readModelConfig } from "../../../src/config/model-config.js";
import { ConfigError } from "../../../src/core/errors.js";

const defaults = { adaptersDir: "/repo/adapters" };

describe("model backend configuration", () => {
  it("defaults to the local llama.cpp backend with adapters in the default folder", () => {
    expect(readModelConfig({}, defaults)).toEqual({ backend: "llama-cpp", adaptersDir: "/repo/adapters" });
  });

  it("reads the adapters folder and memory budgets (MiB → bytes)", () => {
    const config = readModelConfig(
      { TANUKI_ADAPTERS_DIR: "/a", TANUKI_ADAPTER_RAM_BUDGET_MB: "512", TANUKI_ADAPTER_VRAM_BUDGET_MB: "2048" },
      defaults,
    );
    expect(config).toEqual({
      backend: "llama-cpp",
      adaptersDir: "/a",
      memoryBudget: { ramBytes: 512 * 1024 * 1024, vramBytes: 2048 * 1024 * 1024 },
    });
  });

  it("selects the OpenAI-compatible backend with per-agent models, timeouts and retries", () => {
    const config = readModelConfig(
      {
        TANUKI_BACKEND: "openai",
        TANUKI_OPENAI_BASE_URL: "http://gpu:8000/v1",
        TANUKI_OPENAI_API_KEY: "k",
        TANUKI_OPENAI_MODEL: "base",
        TANUKI_OPENAI_MODELS: "tanuki-coder=coder-lora, tanuki-tester = tester-lora",
        TANUKI_OPENAI_TIMEOUT_MS: "5000",
        TANUKI_OPENAI_MAX_RETRIES: "0",
      },
      defaults,
    );
    expect(config).toEqual({
      backend: "openai",
      baseUrl: "http://gpu:8000/v1",
      apiKey: "k",
      defaultModel: "base",
      models: { "tanuki-coder": "coder-lora", "tanuki-tester": "tester-lora" },
      timeoutMs: 5000,
      maxRetries: 0,
      contextSize: undefined,
    });
  });

  it("uses a 120 s timeout and 2 retries by default", () => {
    const config = readModelConfig({ TANUKI_BACKEND: "openai", TANUKI_OPENAI_BASE_URL: "http://x/v1" }, defaults);
    expect(config).toMatchObject({ timeoutMs: 120_000, maxRetries: 2, models: {} });
  });

  it.each([
    [{ TANUKI_BACKEND: "openai" }, /TANUKI_OPENAI_BASE_URL: required/],
    [{ TANUKI_BACKEND: "vllm" }, /TANUKI_BACKEND/],
    [{ TANUKI_BACKEND: "openai", TANUKI_OPENAI_BASE_URL: "ftp://x" }, /TANUKI_OPENAI_BASE_URL/],
    [{ TANUKI_OPENAI_TIMEOUT_MS: "fast" }, /TANUKI_OPENAI_TIMEOUT_MS/],
    [{ TANUKI_BACKEND: "openai", TANUKI_OPENAI_BASE_URL: "http://x", TANUKI_OPENAI_MODELS: "coder" }, /agent=model/],
  ])("refuses %j", (env, message) => {
    expect(() => readModelConfig(env, defaults)).toThrow(ConfigError);
    expect(() => readModelConfig(env, defaults)).toThrow(message);
  });

  it("parses an empty model map", () => {
    expect(parseModelMap(" , ")).toEqual({});
  });
});
