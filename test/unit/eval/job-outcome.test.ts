import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { RunResult } from "../../../src/core/run-result.js";
import { recordJobOutcome } from "../../../src/eval/job-outcome.js";
import { readResults } from "../../../src/eval/results-files.js";
import { summarize } from "../../../src/eval/summarize.js";

function run(outcome: RunResult["outcome"]): RunResult {
  const used = { promptTokens: 100, completionTokens: 20, calls: 2 };
  return {
    taskId: "t",
    outcome,
    reason: "r",
    baseSha: "abc",
    attempts: [],
    findings: [],
    rcas: [],
    filesChanged: [],
    usage: { ...used, byAgent: { "tanuki-coder": used } },
    timings: { totalMs: 4_000 },
    ...(outcome === "error" ? { error: { message: "boom" } } : {}),
  };
}

describe("recordJobOutcome", () => {
  it("appends App/Action jobs in the results.jsonl shape that the eval tools read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "tanuki-job-outcome-"));
    try {
      const file = join(dir, "results.jsonl");
      const job = { repo: "acme/widgets", model: "tanuki/m" };
      await recordJobOutcome(file, run("fixed"), { ...job, id: "acme/widgets#1" });
      await recordJobOutcome(file, run("not-fixed"), { ...job, id: "acme/widgets#2" });
      await recordJobOutcome(file, run("error"), { ...job, id: "acme/widgets#3" });
      const results = await readResults(file);
      expect(results.map((r) => [r.instance_id, r.status, r.resolved])).toEqual([
        ["acme/widgets#1", "resolved", true],
        ["acme/widgets#2", "unresolved", false],
        ["acme/widgets#3", "error", false],
      ]);
      expect(results[0]?.tokens).toEqual({ total: 120, byAgent: { "tanuki-coder": 120 } });
      expect(summarize(results)).toMatchObject({ total: 3, resolved: 1, byRepo: { "acme/widgets": { total: 3 } } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
