import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { runConfigFromFlags } from "../../../src/cli/fix-options.js";
import { addRunBudgetOptions, commaList, minutesToMs, type RunBudgetFlags } from "../../../src/cli/flag-parsers.js";
import { ConfigError } from "../../../src/core/errors.js";

/** Parse `args` with the shared budget flags through real commander; the error text commander would print. */
function parse(args: string[]): { flags?: RunBudgetFlags; error?: string } {
  let error = "";
  const command = addRunBudgetOptions(
    new Command("fix").exitOverride().configureOutput({ writeErr: (text) => (error += text), writeOut: () => {} }),
    "for the run",
  );
  try {
    command.parse(args, { from: "user" });
    return { flags: command.opts<RunBudgetFlags>() };
  } catch {
    return { error };
  }
}

describe("runConfigFromFlags", () => {
  it("applies defaults when no flag is given", () => {
    const config = runConfigFromFlags({ issue: "x" }, {});
    expect(config.budgets.maxAttempts).toBe(3);
    expect(config.planCandidates).toBe(3);
    expect(config.sandbox.image).toBe("tanuki-sandbox:latest");
    expect(config.paths.allowWorkflows).toBe(false);
  });

  it("takes the parsed flags: budgets, plans, image, workflows, install settings", () => {
    const config = runConfigFromFlags(
      {
        issue: "x",
        maxAttempts: 5,
        timeBudget: 120_000,
        tokenBudget: 5000,
        plans: 2,
        allowWorkflows: true,
        allowHost: ["a.example", "b.example"],
        setupTimeout: 60_000,
      },
      { sandboxImage: "img:1" },
    );
    expect(config.budgets).toEqual({ maxAttempts: 5, wallClockMs: 120_000, maxTokens: 5000 });
    expect(config.planCandidates).toBe(2);
    expect(config.sandbox.image).toBe("img:1");
    expect(config.paths.allowWorkflows).toBe(true);
    expect(config.environment.allowHosts).toEqual(["a.example", "b.example"]);
    expect(config.environment.timeoutMs).toBe(60_000);
  });

  it("refuses a parsed value outside the configuration's range with a ConfigError naming the setting", () => {
    expect(() => runConfigFromFlags({ issue: "x", plans: 99 }, {})).toThrow(ConfigError);
    expect(() => runConfigFromFlags({ issue: "x", plans: 99 }, {})).toThrow(/planCandidates/);
  });
});

describe("the shared run-budget flags (commander parsers)", () => {
  it("parse to numbers, --time-budget minutes to ms", () => {
    expect(
      parse(["--max-attempts", "5", "--time-budget", "1.5", "--token-budget", "9000", "--threads", "4"]).flags,
    ).toEqual({
      maxAttempts: 5,
      timeBudget: 90_000,
      tokenBudget: 9000,
      threads: 4,
    });
  });

  it("are refused by commander, naming the flag, before anything runs", () => {
    for (const [flag, value] of [
      ["--max-attempts", "many"],
      ["--max-attempts", "0"],
      ["--plans", "1.5"],
      ["--time-budget", "-1"],
      ["--threads", "513"],
      ["--threads", "abc"],
    ] as const) {
      const { flags, error } = parse([flag, value]);
      expect(flags).toBeUndefined();
      expect(error).toContain(flag);
      expect(error).toContain(`'${value}' is invalid`);
    }
  });
});

describe("flag parsers", () => {
  it("commaList trims and drops empty items; minutesToMs refuses non-numbers", () => {
    expect(commaList(" a.example, ,b.example ")).toEqual(["a.example", "b.example"]);
    expect(minutesToMs("2")).toBe(120_000);
    expect(() => minutesToMs("soon")).toThrow(/positive number of minutes/);
  });
});
