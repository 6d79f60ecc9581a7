import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DispatchSettings } from "../../../src/jobs/dispatch/dispatch-settings.js";
import { webhookExamples } from "../../fixtures/index.js";
import { type AppFixture, bodyText, startAppFixture } from "../../helpers/app-fixture.js";
import type { GitHubMock } from "../../helpers/app-github-mock.js";
import type { AppHarness } from "../../helpers/app-harness.js";
import { mockIssueIntake, repoPath } from "../../helpers/app-intake-mocks.js";
import { issueCommentCreated, REPO } from "../../helpers/app-payloads.js";
import { ManualScheduler } from "../../helpers/manual-scheduler.js";

const MINUTE = 60_000;
const DISPATCH = repoPath("/actions/workflows/tanuki.yml/dispatches");
const SETTINGS: DispatchSettings = {
  workflow: "tanuki.yml",
  startTimeoutMs: 30 * MINUTE,
  finishTimeoutMs: 180 * MINUTE,
  checkIntervalMs: MINUTE,
};

/** The check run and status comment created when a command is accepted (edits are expected by each test). */
function mockAccepted(github: GitHubMock) {
  github
    .on("POST", repoPath("/issues/7/labels"), 200, [{ name: "tanuki" }])
    .on("POST", repoPath("/check-runs"), 201, { id: 9001, html_url: "https://github.com/acme/widgets/runs/9001" })
    .on("POST", repoPath("/issues/7/comments"), 201, {
      id: 5001,
      html_url: "https://github.com/acme/widgets/issues/7#issuecomment-5001",
    });
}

/** `workflow_run.completed` of a run started by workflow_dispatch (GitHub's example, adapted). */
function dispatchedRunCompleted(options: { runId: number; conclusion: string; displayTitle?: string }) {
  const p = webhookExamples.workflowRunCompleted();
  p.installation = { id: REPO.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
  p.repository.owner.login = REPO.owner;
  p.repository.name = REPO.repo;
  const run = p.workflow_run;
  run.id = options.runId;
  run.event = "workflow_dispatch";
  run.conclusion = options.conclusion as typeof run.conclusion;
  run.pull_requests = [];
  run.display_title = options.displayTitle ?? "Tanuki";
  run.html_url = `https://github.com/acme/widgets/actions/runs/${options.runId}`;
  return p;
}

describe("dispatch mode: the App starts jobs on the Actions runners", () => {
  let fixture: AppFixture;
  let github: GitHubMock;
  let h: AppHarness;
  let baseSha: string;
  let scheduler: ManualScheduler;
  let now: number;

  beforeEach(async () => {
    now = Date.parse("2026-11-21T10:00:00Z");
    // The watchdog runs only when the test moves this clock: nothing fires on real time.
    scheduler = new ManualScheduler(now);
    fixture = await startAppFixture(
      { "src/list.js": "export const first = (xs) => xs[0].name;\n" },
      { dispatch: SETTINGS, scheduler },
    );
    ({ github, h, baseSha } = fixture);
  });
  afterEach(() => fixture.close());

  it("does the fast part, dispatches the workflow with the job's inputs, and reports a job no runner takes", async () => {
    mockIssueIntake(github, { sha: baseSha });
    mockAccepted(github);
    github.on("POST", DISPATCH, 200, {
      workflow_run_id: 777,
      run_url: "https://api.github.com/repos/acme/widgets/actions/runs/777",
      html_url: "https://github.com/acme/widgets/actions/runs/777",
    });

    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix keep the public API" }));
    await h.app.idle();

    const [dispatch] = github.find("POST", DISPATCH);
    const statusBody = bodyText(github.find("POST", repoPath("/issues/7/comments"))[0]);
    const jobId = /<!-- tanuki-status (\S+) -->/.exec(statusBody)?.[1];
    expect(jobId).toMatch(/^acme-widgets-7-fix-issue-/);
    expect(dispatch?.body).toEqual({
      ref: "main",
      return_run_details: true,
      inputs: {
        "job-id": jobId,
        command: "fix",
        number: "7",
        sha: baseSha,
        "status-comment-id": "5001",
        "check-run-id": "9001",
        instructions: "keep the public API",
        requester: "alice",
      },
    });
    expect(h.runner.calls.fix).toHaveLength(0);
    const record = await h.store.getJob(jobId as string);
    expect(record).toMatchObject({
      state: "queued",
      dispatch: { runId: 777, startBy: now + 30 * MINUTE, finishBy: now + 180 * MINUTE },
    });
    // The check run stays queued until a runner takes the job.
    expect(github.find("PATCH", /check-runs/)).toHaveLength(0);
    github.assertDone();

    // Before the start deadline the watchdog leaves the job alone (the strict mock fails on any request).
    scheduler.advance(29 * MINUTE);
    await h.app.idle();
    github.assertDone();

    // 31 minutes after the dispatch the check run is still queued: no runner took the job.
    github
      .on("GET", repoPath("/check-runs/9001"), 200, { id: 9001, status: "queued", conclusion: null, html_url: "u" })
      .on("POST", repoPath("/actions/runs/777/cancel"), 202, {})
      .on("PATCH", repoPath("/issues/comments/5001"), 200, { id: 5001 })
      .on("PATCH", repoPath("/check-runs/9001"), 200, { id: 9001 });
    scheduler.advance(2 * MINUTE);
    await h.app.idle();
    github.assertDone();
    const comment = bodyText(github.find("PATCH", repoPath("/issues/comments/5001"))[0]);
    expect(comment).toContain("No self-hosted runner took this job within 30m 00s");
    expect(comment).toContain("https://github.com/acme/widgets/actions/runs/777");
    expect(github.find("PATCH", repoPath("/check-runs/9001"))[0]?.body).toMatchObject({ conclusion: "failure" });
    expect((await h.store.getJob(jobId as string))?.state).toBe("failed");
  });

  it("reports a dispatched job whose workflow run died before the Action reported (matched by the job id in the run name)", async () => {
    mockIssueIntake(github, { sha: baseSha });
    mockAccepted(github);
    github.on("POST", DISPATCH, 204);
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await h.app.idle();
    const [job] = await h.store.listJobs(["queued"]);
    expect(job?.dispatch?.runId).toBeUndefined();

    github
      .on("GET", repoPath("/check-runs/9001"), 200, {
        id: 9001,
        status: "in_progress",
        conclusion: null,
        html_url: "u",
      })
      .on("PATCH", repoPath("/issues/comments/5001"), 200, { id: 5001 })
      .on("PATCH", repoPath("/check-runs/9001"), 200, { id: 9001 });
    const res = await h.deliver(
      "workflow_run",
      dispatchedRunCompleted({ runId: 888, conclusion: "failure", displayTitle: `Tanuki ${job?.id}` }),
    );
    expect(res.status).toBe(200);
    await h.app.idle();
    github.assertDone();
    const comment = bodyText(github.find("PATCH", repoPath("/issues/comments/5001"))[0]);
    expect(comment).toContain("ended (failure) before Tanuki reported a result");
    expect(comment).toContain("https://github.com/acme/widgets/actions/runs/888");
    expect(await h.store.getJob(job?.id as string)).toMatchObject({ state: "failed", dispatch: { runId: 888 } });
  });

  it("leaves a job the Action reported alone and takes its result into the store", async () => {
    mockIssueIntake(github, { sha: baseSha });
    mockAccepted(github);
    github.on("POST", DISPATCH, 200, {
      workflow_run_id: 999,
      html_url: "https://github.com/acme/widgets/actions/runs/999",
    });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await h.app.idle();

    github.on("GET", repoPath("/check-runs/9001"), 200, {
      id: 9001,
      status: "completed",
      conclusion: "success",
      html_url: "u",
    });
    await h.deliver("workflow_run", dispatchedRunCompleted({ runId: 999, conclusion: "success" }));
    await h.app.idle();
    github.assertDone();
    expect(github.find("PATCH", /./)).toHaveLength(0);
    const [job] = await h.store.listJobs();
    expect(job?.state).toBe("succeeded");
  });

  it("reports a dispatch GitHub refuses (no such workflow) on the status comment and check run", async () => {
    mockIssueIntake(github, { sha: baseSha });
    mockAccepted(github);
    github
      .on("POST", DISPATCH, 404, { message: "Not Found" })
      .on("PATCH", repoPath("/issues/comments/5001"), 200, { id: 5001 })
      .on("PATCH", repoPath("/check-runs/9001"), 200, { id: 9001 });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await h.app.idle();
    github.assertDone();
    const comment = bodyText(github.find("PATCH", repoPath("/issues/comments/5001"))[0]);
    expect(comment).toContain("could not start the job on the self-hosted runners");
    expect(comment).toContain("404");
    expect(github.find("PATCH", repoPath("/check-runs/9001"))[0]?.body).toMatchObject({ conclusion: "failure" });
    expect(h.runner.calls.fix).toHaveLength(0);
  });

  it("/tanuki cancel cancels the dispatched workflow run and reports the job cancelled", async () => {
    mockIssueIntake(github, { sha: baseSha });
    mockAccepted(github);
    github.on("POST", DISPATCH, 200, {
      workflow_run_id: 321,
      html_url: "https://github.com/acme/widgets/actions/runs/321",
    });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await h.app.idle();

    github
      .on("POST", repoPath("/issues/comments/1002/reactions"), 201, { id: 2, content: "eyes" })
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "write", role_name: "write" })
      .on("GET", /\/git\/ref\/heads(%2F|\/)main$/, 200, { object: { sha: baseSha } })
      .on("GET", /contents/, 404, { message: "Not Found" })
      .on("POST", repoPath("/actions/runs/321/cancel"), 202, {})
      .on("PATCH", repoPath("/issues/comments/5001"), 200, { id: 5001 })
      .on("PATCH", repoPath("/check-runs/9001"), 200, { id: 9001 });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki cancel", commentId: 1002 }));
    await h.app.idle();
    github.assertDone();
    expect(github.find("PATCH", repoPath("/check-runs/9001"))[0]?.body).toMatchObject({ conclusion: "cancelled" });
    const [job] = await h.store.listJobs();
    expect(job?.state).toBe("cancelled");
  });
});
