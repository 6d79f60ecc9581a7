import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ActionFiles, actionEnv, actionFiles, runNode } from "../../helpers/action-env.js";
import { type ActionFixture, startActionFixture } from "../../helpers/action-fixture.js";
import type { GitHubMockServer } from "../../helpers/action-github-server.js";
import { workflowDispatch } from "../../helpers/action-payloads.js";
import { bodyText } from "../../helpers/app-fixture.js";
import type { BareRemote } from "../../helpers/app-git.js";
import { configPath, repoPath } from "../../helpers/app-intake-mocks.js";

const JOB_ID = "acme-widgets-7-fix-issue-0a1b2c3d";

describe("the Action on a job the App dispatched (workflow_dispatch)", () => {
  let fixture: ActionFixture;
  let remote: BareRemote;
  let github: GitHubMockServer;
  let files: ActionFiles;
  let baseSha: string;

  beforeEach(async () => {
    fixture = await startActionFixture({ "src/list.js": "export const first = (xs) => xs[0].name;\n" });
    ({ remote, github, baseSha } = fixture);
  });
  afterEach(async () => {
    await fixture.close();
    files?.dispose();
  });

  it("reports into the App's status comment and check run, gates on the requester, and opens the PR", async () => {
    github
      .on("GET", repoPath("/check-runs/9001"), 200, {
        id: 9001,
        status: "queued",
        conclusion: null,
        html_url: "https://github.com/acme/widgets/runs/9001",
      })
      .on("GET", repoPath("/issues/7"), 200, {
        number: 7,
        title: "Crash when the widget list is empty",
        body: "Steps: open an empty list.",
        html_url: "https://github.com/acme/widgets/issues/7",
        labels: [{ name: "tanuki" }],
      })
      .on("GET", configPath(baseSha), 404, {})
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "write", role_name: "write" })
      .on("PATCH", repoPath("/check-runs/9001"), 200, { id: 9001 }, 2)
      .on("PATCH", repoPath("/issues/comments/5001"), 200, { id: 5001 }, 2)
      .on("POST", repoPath("/pulls"), 201, { number: 13, html_url: "https://github.com/acme/widgets/pull/13" })
      .on("POST", repoPath("/pulls/13/requested_reviewers"), 201, {});
    files = actionFiles(
      workflowDispatch({
        "job-id": JOB_ID,
        command: "fix",
        number: "7",
        sha: baseSha,
        "status-comment-id": "5001",
        "check-run-id": "9001",
        instructions: "keep the public API",
        requester: "alice",
        "check-name": "",
        "check-job-id": "",
      }),
    );
    const env = actionEnv(files, {
      event: "workflow_dispatch",
      apiUrl: github.url,
      inputs: { "status-interval-ms": "600000" },
      extra: { TANUKI_TEST_SCRIPT: "fixed", TANUKI_TEST_REMOTE: remote.url },
    });

    const run = await runNode("test/helpers/action-scripted-entry.ts", env);
    expect(run.code, run.stderr).toBe(0);
    github.assertDone();
    expect(github.find("POST", repoPath("/check-runs"))).toHaveLength(0);
    expect(github.find("POST", /comments$/)).toHaveLength(0);

    const [started, finished] = github.find("PATCH", repoPath("/check-runs/9001"));
    expect(started?.body).toMatchObject({ status: "in_progress" });
    expect(finished?.body).toMatchObject({ conclusion: "success" });
    const [running, final] = github
      .find("PATCH", repoPath("/issues/comments/5001"))
      .map((c) => (c.body as { body: string }).body);
    expect(running).toContain("running");
    expect(running).toContain("Running on the self-hosted runner `gpu-runner-1`");
    expect(running).toContain("https://github.com/acme/widgets/actions/runs/4242");
    expect(running).toContain(`<!-- tanuki-status ${JOB_ID} -->`);
    expect(final).toContain("[`#13`](https://github.com/acme/widgets/pull/13)");
    expect(github.find("POST", repoPath("/pulls"))[0]?.body).toMatchObject({ base: "main", draft: false });
    expect(remote.show("tanuki/issue-7-crash-when-the-widget-list-is-empty", "src/list.js")).toContain("xs[0]?.name");

    const outputs = files.outputs();
    expect(outputs).toMatchObject({
      status: "succeeded",
      "job-id": JOB_ID,
      "pr-url": "https://github.com/acme/widgets/pull/13",
    });
  });

  it("refuses a dispatched job whose requester lacks permission, on the App's comment and check run", async () => {
    github
      .on("GET", repoPath("/check-runs/9001"), 200, {
        id: 9001,
        status: "queued",
        html_url: "https://github.com/acme/widgets/runs/9001",
      })
      .on("GET", repoPath("/issues/7"), 200, { number: 7, title: "t", body: "", html_url: "h", labels: [] })
      .on("GET", /contents/, 404, {})
      .on("GET", repoPath("/collaborators/mallory/permission"), 200, { permission: "read", role_name: "read" })
      .on("PATCH", repoPath("/issues/comments/5001"), 200, { id: 5001 })
      .on("PATCH", repoPath("/check-runs/9001"), 200, { id: 9001 });
    files = actionFiles(
      workflowDispatch({
        "job-id": JOB_ID,
        command: "fix",
        number: "7",
        sha: baseSha,
        "status-comment-id": "5001",
        "check-run-id": "9001",
        requester: "mallory",
      }),
    );
    const env = actionEnv(files, {
      event: "workflow_dispatch",
      apiUrl: github.url,
      extra: { TANUKI_TEST_SCRIPT: "fixed" },
    });
    const run = await runNode("test/helpers/action-scripted-entry.ts", env);
    expect(run.code, run.stderr).toBe(0);
    github.assertDone();
    expect(files.outputs().status).toBe("refused");
    const comment = bodyText(github.find("PATCH", repoPath("/issues/comments/5001"))[0]);
    expect(comment).toContain("@mallory");
    expect(github.find("PATCH", repoPath("/check-runs/9001"))[0]?.body).toMatchObject({ conclusion: "failure" });
  });

  it("reviews the SHA the App pinned, not the head the branch has moved to, and says the head moved", async () => {
    const pinned = remote.commit({ "src/list.js": "export const first = (xs) => xs[0]?.name;\n" }, "guard", "feature");
    const moved = remote.commit({ "src/list.js": "export const first = () => undefined;\n" }, "later", "feature");
    const pr = {
      number: 7,
      title: "Guard the empty list",
      body: "",
      draft: false,
      state: "open",
      head: { sha: moved, ref: "feature", repo: { full_name: "acme/widgets" } },
      base: { sha: baseSha, ref: "main" },
      user: { login: "bob" },
      html_url: "https://github.com/acme/widgets/pull/7",
    };
    github
      .on("GET", repoPath("/check-runs/9001"), 200, { id: 9001, html_url: "https://github.com/acme/widgets/runs/9001" })
      .on("GET", repoPath("/issues/7"), 200, {
        number: 7,
        title: pr.title,
        body: "",
        html_url: pr.html_url,
        labels: [],
        pull_request: { url: "https://api.github.com/repos/acme/widgets/pulls/7" },
      })
      .on("GET", repoPath("/pulls/7"), 200, pr, 2)
      .on("GET", configPath(baseSha), 404, {})
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "write", role_name: "write" })
      .on("PATCH", repoPath("/check-runs/9001"), 200, { id: 9001 }, 2)
      .on("PATCH", repoPath("/issues/comments/5001"), 200, { id: 5001 }, 2)
      .on("POST", repoPath("/pulls/7/reviews"), 200, { id: 1, html_url: pr.html_url });
    files = actionFiles(
      workflowDispatch({
        "job-id": "acme-widgets-7-review-0a1b2c3d",
        command: "review",
        number: "7",
        sha: pinned,
        "status-comment-id": "5001",
        "check-run-id": "9001",
        requester: "alice",
      }),
    );
    const env = actionEnv(files, {
      event: "workflow_dispatch",
      apiUrl: github.url,
      inputs: { "status-interval-ms": "600000" },
      extra: { TANUKI_TEST_SCRIPT: "reviewed", TANUKI_TEST_REMOTE: remote.url },
    });

    const run = await runNode("test/helpers/action-scripted-entry.ts", env);
    expect(run.code, run.stderr).toBe(0);
    github.assertDone();
    const review = github.find("POST", repoPath("/pulls/7/reviews"))[0]?.body as { commit_id?: string; body?: string };
    expect(review.commit_id).toBe(pinned);
    expect(review.body).toContain(`Looks fine at ${pinned}.`);
    const final = bodyText(github.find("PATCH", repoPath("/issues/comments/5001")).at(-1));
    expect(final).toContain(
      `Reviewed \`${pinned.slice(0, 7)}\` (the head when the command was posted); the branch has moved to ` +
        `\`${moved.slice(0, 7)}\` since`,
    );
  });
});
