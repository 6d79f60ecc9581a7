import { describe, expect, it } from "vitest";
import { formatProgress, runEvalCommand, suitePath } from "../../../src/cli/eval-command.js";
import { UsageError } from "../../../src/core/errors.js";
import { resultFor } from "../eval/eval-results.js";

const context = { cwd: "/", env: {}, stdout: { write() {} }, stderr: { write() {} } };

describe("tanuki eval (usage)", () => {
  it("needs exactly one of a task file and --suite, and refuses --gold with --predictions", async () => {
    await expect(runEvalCommand(undefined, {}, context)).rejects.toThrow(UsageError);
    await expect(runEvalCommand("tasks.jsonl", { suite: "starter" }, context)).rejects.toThrow(UsageError);
    await expect(runEvalCommand("tasks.jsonl", { gold: true, predictions: "p.jsonl" }, context)).rejects.toThrow(
      /exclude each other/,
    );
  });

  it("finds bundled suites by name only", () => {
    expect(suitePath("starter")).toMatch(/evals\/starter\.jsonl$/);
    expect(() => suitePath("../etc/passwd")).toThrow(UsageError);
  });

  it("prints done/total, resolved so far, the ETA and the task that finished", () => {
    const line = formatProgress({
      done: 3,
      total: 12,
      resolved: 2,
      etaMs: 125_000,
      last: resultFor("acme__w-1", true),
    });
    expect(line).toBe("[3/12] resolved 2 · ETA 2:05 · acme__w-1: resolved (0:01)\n");
  });
});
