import { describe, expect, it } from "vitest";
import { parseRepoConfig, toRunConfig } from "../../../src/config/repo-config.js";
import { defaultRunConfig, RunConfig } from "../../../src/config/run-config.js";

describe("parseRepoConfig", () => {
  it("gives the defaults for a missing or empty file", () => {
    for (const text of [undefined, "", "# only a comment\n"]) {
      const result = parseRepoConfig(text);
      expect(result.ok && result.config.minPermission).toBe("write");
      expect(result.ok && result.config.autoReview.skipDrafts).toBe(true);
    }
  });

  it("reports every invalid key with its path and returns no config at all", () => {
    const result = parseRepoConfig(
      "label: ok\nfailingChecks:\n  policy: sometimes\nsandbox:\n  limits:\n    cpus: -1\ntypo: 1\n",
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^failingChecks\.policy: /),
        expect.stringMatching(/^sandbox\.limits\.cpus: /),
        expect.stringMatching(/^\(root\): Unrecognized key: "typo"/),
      ]),
    );
    expect(result.issues).toHaveLength(3);
  });

  it("reports YAML syntax errors with line and column", () => {
    const result = parseRepoConfig("label: [unclosed\n");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]).toMatch(/^line \d+, column \d+: /);
  });
});

describe("toRunConfig", () => {
  it("takes commands and paths from the repository and caps budgets and limits at the operator's", () => {
    const operator = RunConfig.parse({ budgets: { maxAttempts: 4 }, sandbox: { image: "op:1", limits: { cpus: 2 } } });
    const parsed = parseRepoConfig(
      "testCommand: npm test\npaths:\n  deny: ['secrets/**']\nbudgets:\n  maxAttempts: 9\n  wallClockMs: 60000\nsandbox:\n  limits:\n    cpus: 1\n",
    );
    if (!parsed.ok) throw new Error(parsed.issues.join("\n"));
    const run = toRunConfig(parsed.config, operator);
    expect(run.testCommand).toBe("npm test");
    expect(run.paths.deny).toEqual(["secrets/**"]);
    expect(run.budgets.maxAttempts).toBe(4);
    expect(run.budgets.wallClockMs).toBe(60_000);
    expect(run.sandbox).toMatchObject({ image: "op:1", limits: { cpus: 1 } });
  });

  it("keeps the operator's values where the repository sets none", () => {
    const operator = RunConfig.parse({ sandbox: { image: "x", limits: { cpus: 8 } } });
    const parsed = parseRepoConfig(undefined);
    if (!parsed.ok) throw new Error("defaults must parse");
    expect(toRunConfig(parsed.config, operator).sandbox.limits.cpus).toBe(8);
    expect(toRunConfig(parsed.config, defaultRunConfig())).toEqual(defaultRunConfig());
  });
});
