import { describe, expect, it } from "vitest";
import type { CheckRunUpdate, GitHubPort } from "../../../src/github/github-port.js";
import { ProgressReporter } from "../../../src/jobs/progress/progress-reporter.js";
import { ManualScheduler } from "../../helpers/manual-scheduler.js";

function recordingGitHub() {
  const comments: string[] = [];
  const checks: CheckRunUpdate[] = [];
  const github = {
    updateComment: async (_id: number, body: string) => {
      comments.push(body);
    },
    updateCheckRun: async (_id: number, update: CheckRunUpdate) => {
      checks.push(update);
    },
  } as unknown as GitHubPort;
  return { github, comments, checks };
}

describe("ProgressReporter", () => {
  it("writes at most once per interval with the latest state, and the final state at once", async () => {
    const { github, comments, checks } = recordingGitHub();
    const scheduler = new ManualScheduler(1_000_000);
    const reporter = new ProgressReporter({
      github,
      view: { jobId: "j", title: "Fix for #1", state: "running", startedAt: scheduler.now(), details: [] },
      commentId: 1,
      checkRunId: 2,
      minIntervalMs: 3_000,
      scheduler,
      onError: () => undefined,
    });
    reporter.onEvent({ type: "phase", phase: "plan", elapsedMs: 1 });
    reporter.onEvent({ type: "phase", phase: "code", attempt: 1, elapsedMs: 2 });
    reporter.onEvent({ type: "tests", which: "after", passed: 5, failed: 1, exitCode: 1, elapsedMs: 3 });
    scheduler.advance(2_900);
    await reporter.settled();
    expect(comments).toHaveLength(0);
    scheduler.advance(200);
    await reporter.settled();
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain("phase `code`");
    expect(comments[0]).toContain("tests (after): 5 passed, 1 failed");
    expect(comments[0]).toContain("elapsed 3s");
    expect(checks[0]?.status).toBe("in_progress");

    reporter.onEvent({ type: "phase", phase: "review", elapsedMs: 4 });
    await reporter.finish({ state: "succeeded", details: ["Opened #9"] }, { conclusion: "success", title: "done" });
    expect(scheduler.waiting).toBe(0);
    scheduler.advance(10_000);
    await reporter.settled();
    expect(comments).toHaveLength(2);
    expect(comments[1]).toContain("Opened `#9`");
    expect(checks[1]).toMatchObject({ conclusion: "success", title: "done" });
  });
});
