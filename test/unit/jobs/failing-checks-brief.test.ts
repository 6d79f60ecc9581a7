import { describe, expect, it } from "vitest";
import type { FailedCheck, GitHubPort } from "../../../src/github/github-port.js";
import { failingChecksBrief, MAX_CHECK_LOGS } from "../../../src/jobs/kinds/failing-checks-brief.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";

/** A port answering only the two calls the brief makes; `logs` by job id, a missing one throws. */
function port(checks: FailedCheck[], logs: Record<number, string>) {
  const downloaded: number[] = [];
  const github = {
    listFailedChecks: async (sha: string) => {
      expect(sha).toBe(SHA);
      return checks;
    },
    getJobLog: async (jobId: number) => {
      downloaded.push(jobId);
      const log = logs[jobId];
      if (log === undefined) throw new Error("410 Gone");
      return log;
    },
  } as unknown as GitHubPort;
  return { github, downloaded };
}

describe("failingChecksBrief", () => {
  it("is undefined when only ignored checks and Tanuki's own check failed", async () => {
    const { github, downloaded } = port(
      [
        { name: "Tanuki", outputText: "x" },
        { name: "flaky", jobId: 1 },
      ],
      {},
    );
    expect(await failingChecksBrief(github, SHA, { ignore: ["flaky"], maxChars: 10_000 })).toBeUndefined();
    expect(downloaded).toEqual([]);
  });

  it("splits the budget between the logs, keeping each log's end", async () => {
    const long = (tag: string) => `${tag}-START\n${"x".repeat(20_000)}\n${tag}-END`;
    const { github } = port(
      [
        { name: "unit", jobId: 1 },
        { name: "e2e", jobId: 2 },
      ],
      { 1: long("unit"), 2: long("e2e") },
    );
    const brief = await failingChecksBrief(github, SHA, { ignore: [], maxChars: 8_000 });
    expect(brief?.names).toEqual(["unit", "e2e"]);
    const text = brief?.text ?? "";
    expect(text.length).toBeLessThanOrEqual(8_000);
    expect(text.length).toBeGreaterThan(7_000);
    for (const tag of ["unit", "e2e"]) {
      expect(text).toContain(`${tag}-END`);
      expect(text).not.toContain(`${tag}-START`);
    }
    expect(text.startsWith("## Failing checks on 0123456")).toBe(true);
  });

  it("uses a non-Actions check's output text, fences backticks safely and names checks beyond the log limit", async () => {
    const checks: FailedCheck[] = [{ name: "coverage", outputText: "Coverage 71% < 80%\n```\nnot a fence end" }];
    for (let i = 0; i < MAX_CHECK_LOGS + 2; i++) checks.push({ name: `job ${i}`, jobId: 100 + i });
    const logs = Object.fromEntries(checks.map((_, i) => [100 + i, `log of job ${i}`]));
    const { github, downloaded } = port(checks, logs);
    const text = (await failingChecksBrief(github, SHA, { ignore: [], maxChars: 20_000 }))?.text ?? "";
    expect(text).toContain("### coverage\nEnd of the log:\n````text\nCoverage 71% < 80%\n```\nnot a fence end\n````");
    expect(downloaded).toHaveLength(MAX_CHECK_LOGS - 1);
    expect(text).toContain(`log of job ${MAX_CHECK_LOGS - 2}`);
    expect(text).not.toContain(`log of job ${MAX_CHECK_LOGS - 1}`);
    expect(text).toContain(
      `Also failing (logs not included): job ${MAX_CHECK_LOGS - 1}, job ${MAX_CHECK_LOGS}, job ${MAX_CHECK_LOGS + 1}`,
    );
  });

  it("says which log is unavailable or empty instead of failing", async () => {
    const { github } = port(
      [
        { name: "expired", jobId: 7 },
        { name: "silent", outputText: "" },
      ],
      {},
    );
    const text = (await failingChecksBrief(github, SHA, { ignore: [], maxChars: 10_000 }))?.text ?? "";
    expect(text).toContain("### expired\n(the log of this check is unavailable");
    expect(text).toContain("### silent\n(this check reported no log or output)");
  });
});
