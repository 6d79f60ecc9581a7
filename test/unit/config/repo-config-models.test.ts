import { describe, expect, it } from "vitest";
import { parseRepoConfig } from "../../../src/config/repo-config.js";

describe(".github/tanuki.yml models", () => {
  it("accepts served model names and Hugging Face ids per agent", () => {
    const result = parseRepoConfig(
      "models:\n  tanuki-reviewer: qwen2.5-coder-32b\n  tanuki-coder: Qwen/Qwen2.5-Coder-7B-Instruct-AWQ\n",
    );
    expect(result).toEqual({
      ok: true,
      config: expect.objectContaining({
        models: { "tanuki-reviewer": "qwen2.5-coder-32b", "tanuki-coder": "Qwen/Qwen2.5-Coder-7B-Instruct-AWQ" },
      }),
    });
  });

  it.each([
    ["an empty name", '""'],
    ["a name with a space", '"qwen coder"'],
    ["a name with a newline", '"qwen\\ncoder"'],
    ["a name of 201 characters", "a".repeat(201)],
  ])("rejects %s, naming the agent's key", (_what, value) => {
    const result = parseRepoConfig(`models:\n  tanuki-reviewer: ${value}\n`);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toEqual([expect.stringMatching(/^models\.tanuki-reviewer: /)]);
  });

  it("accepts a name of 200 characters", () => {
    expect(parseRepoConfig(`models:\n  tanuki-reviewer: ${"a".repeat(200)}\n`).ok).toBe(true);
  });
});
