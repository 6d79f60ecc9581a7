import { describe, expect, it } from "vitest";
import { operatorRunConfig } from "../../../src/action/run-action.js";
import { readActionEnv } from "../../../src/config/action-env.js";
import { defaultRunConfig } from "../../../src/config/run-config.js";
import { ConfigError } from "../../../src/core/errors.js";

const BASE = {
  GITHUB_EVENT_NAME: "issue_comment",
  GITHUB_EVENT_PATH: "/tmp/event.json",
  GITHUB_REPOSITORY: "acme/widgets",
};

describe("readActionEnv", () => {
  it("reads inputs as the runner passes them (INPUT_GITHUB-TOKEN) and as the composite action does (INPUT_GITHUB_TOKEN)", () => {
    expect(readActionEnv({ ...BASE, "INPUT_GITHUB-TOKEN": "a" }).inputs.githubToken).toBe("a");
    expect(readActionEnv({ ...BASE, INPUT_GITHUB_TOKEN: "b", "INPUT_TIME-BUDGET-MINUTES": "45" }).inputs).toMatchObject(
      {
        githubToken: "b",
        timeBudgetMinutes: 45,
      },
    );
  });

  it("fills defaults and treats empty inputs as absent (composite actions pass every input)", () => {
    const env = readActionEnv({ ...BASE, INPUT_GITHUB_TOKEN: "t", INPUT_MODEL: "  ", INPUT_MAX_ATTEMPTS: "" });
    expect(env.GITHUB_API_URL).toBe("https://api.github.com");
    expect(env.inputs).toMatchObject({ configPath: ".github/tanuki.yml", sandboxImage: "tanuki-sandbox:latest" });
    expect(env.inputs.model).toBeUndefined();
    expect(env.inputs.maxAttempts).toBeUndefined();
  });

  it("names every invalid input and variable in one ConfigError", () => {
    const read = () =>
      readActionEnv({
        GITHUB_EVENT_PATH: "/e",
        GITHUB_REPOSITORY: "no-slash",
        INPUT_THREADS: "lots",
        "INPUT_LOG-LEVEL": "loud",
      });
    expect(read).toThrow(ConfigError);
    try {
      read();
    } catch (err) {
      expect((err as ConfigError).issues.map((i) => i.split(":")[0])).toEqual(
        expect.arrayContaining([
          "GITHUB_EVENT_NAME",
          "GITHUB_REPOSITORY",
          "input github-token",
          "input threads",
          "input log-level",
        ]),
      );
    }
  });

  it("maps budget inputs onto the operator's run configuration (ceilings for .github/tanuki.yml)", () => {
    const env = readActionEnv({
      ...BASE,
      INPUT_GITHUB_TOKEN: "t",
      INPUT_MAX_ATTEMPTS: "5",
      INPUT_TIME_BUDGET_MINUTES: "1.5",
      INPUT_SANDBOX_IMAGE: "registry.local/sandbox:1",
    });
    const config = operatorRunConfig(env);
    expect(config.budgets).toEqual({
      maxAttempts: 5,
      wallClockMs: 90_000,
      maxTokens: defaultRunConfig().budgets.maxTokens,
    });
    expect(config.sandbox.image).toBe("registry.local/sandbox:1");
    expect(config.sandbox.limits).toEqual(defaultRunConfig().sandbox.limits);
  });
});
