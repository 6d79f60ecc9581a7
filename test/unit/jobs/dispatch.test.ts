import { describe, expect, it } from "vitest";
import { statusOf } from "../../../src/action/summary.js";
import { readAppEnv } from "../../../src/config/app-env.js";
import { encodeDispatchInputs } from "../../../src/jobs/dispatch/dispatch-inputs.js";
import { dispatchSettingsOf } from "../../../src/jobs/dispatch/dispatch-settings.js";
import { DispatchedJobInputs } from "../../../src/jobs/dispatch/run-dispatched-job.js";
import type { JobRecord } from "../../../src/jobs/store/job-store.js";

const SHA = "a".repeat(40);

describe("dispatch inputs", () => {
  it("round-trip from the App's encoding to the Action's parsing", () => {
    const encoded = encodeDispatchInputs({
      jobId: "acme-widgets-12-failing-check-00ff00ff",
      number: 12,
      sha: SHA,
      checkRunId: 9001,
      requester: "alice",
      command: { command: "check", checkName: "test (20)", checkJobId: 555 },
    });
    expect(Object.values(encoded).every((v) => typeof v === "string" && v !== "")).toBe(true);
    expect(encoded["status-comment-id"]).toBeUndefined();
    expect(DispatchedJobInputs.parse(encoded)).toEqual({
      "job-id": "acme-widgets-12-failing-check-00ff00ff",
      command: "check",
      number: 12,
      sha: SHA,
      "status-comment-id": undefined,
      "check-run-id": 9001,
      instructions: undefined,
      requester: "alice",
      "check-name": "test (20)",
      "check-job-id": 555,
    });
  });

  it("rejects what a workflow_dispatch by hand could get wrong", () => {
    expect(DispatchedJobInputs.safeParse({ command: "deploy", number: "1" }).success).toBe(false);
    expect(DispatchedJobInputs.safeParse({ command: "fix", number: "seven" }).success).toBe(false);
    expect(DispatchedJobInputs.safeParse({ command: "fix", number: "7", sha: "abc" }).success).toBe(false);
    expect(DispatchedJobInputs.safeParse({ command: "fix", number: "7", "job-id": "../x" }).success).toBe(false);
    expect(DispatchedJobInputs.parse({ command: "fix", number: "7", sha: "", "job-id": "" })).toMatchObject({
      sha: undefined,
      "job-id": undefined,
    });
  });

  it("dispatch mode comes from TANUKI_RUNNER=actions, with the workflow, ref and deadlines", () => {
    expect(dispatchSettingsOf(readAppEnv({}))).toBeUndefined();
    expect(
      dispatchSettingsOf(
        readAppEnv({
          TANUKI_RUNNER: "actions",
          TANUKI_DISPATCH_WORKFLOW: "gpu.yml",
          TANUKI_DISPATCH_START_TIMEOUT_MS: "600000",
        }),
      ),
    ).toEqual({ workflow: "gpu.yml", startTimeoutMs: 600_000, finishTimeoutMs: 3 * 60 * 60_000 });
    expect(() => readAppEnv({ TANUKI_RUNNER: "kubernetes" })).toThrow(/TANUKI_RUNNER/);
  });
});

describe("the Action's status", () => {
  const job = (state: JobRecord["state"], detail: string) => ({ state, detail }) as JobRecord;

  it("is the worst final state of the jobs it ran; a failed job fails the step", () => {
    const done = Promise.resolve();
    const started = [
      { kind: "started" as const, jobId: "a", done },
      { kind: "started" as const, jobId: "b", done },
    ];
    expect(statusOf(started, [job("succeeded", "ok"), job("failed", "tests fail")])).toEqual({
      status: "failed",
      detail: "tests fail",
      exitCode: 1,
    });
    expect(statusOf(started.slice(0, 1), [job("cancelled", "Cancelled: stop.")]).exitCode).toBe(0);
  });

  it("without a job, says why nothing ran and does not fail the step", () => {
    expect(
      statusOf(
        [
          { kind: "ignored", reason: "no command" },
          { kind: "refused", reason: "read only" },
        ],
        [],
      ),
    ).toEqual({
      status: "refused",
      detail: "read only",
      exitCode: 0,
    });
    expect(statusOf([], []).status).toBe("ignored");
  });
});
