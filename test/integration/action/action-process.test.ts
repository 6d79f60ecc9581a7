import { existsSync, readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ActionFiles, actionEnv, actionFiles, runNode } from "../../helpers/action-env.js";
import { type ActionFixture, startActionFixture } from "../../helpers/action-fixture.js";
import type { GitHubMockServer } from "../../helpers/action-github-server.js";
import { actionIssueComment } from "../../helpers/action-payloads.js";
import { bodyText } from "../../helpers/app-fixture.js";
import type { BareRemote } from "../../helpers/app-git.js";
import { configPath, repoPath } from "../../helpers/app-intake-mocks.js";

const BRANCH = "tanuki/issue-7-crash-when-the-widget-list-is-empty";
const SCRIPTED = "test/helpers/action-scripted-entry.ts";

/** The calls of a `/tanuki fix` intake on issue 7: reaction, permission, default-branch SHA, config (absent). */
function expectIntake(github: GitHubMockServer, sha: string, permission = "write") {
  github
    .on("POST", repoPath("/issues/comments/1001/reactions"), 201, { id: 1, content: "eyes" })
    .on("GET", repoPath("/collaborators/alice/permission"), 200, {
      permission,
      role_name: permission,
      user: { login: "alice" },
    })
    .on("GET", /^\/repos\/acme\/widgets\/git\/ref\/heads(%2F|\/)main$/, 200, {
      ref: "refs/heads/main",
      object: { sha, type: "commit" },
    })
    .on("GET", configPath(sha), 404, {
      message: "Not Found",
    });
}

/** The check run and status comment a job creates, and their final edits. */
function expectReporting(github: GitHubMockServer) {
  github
    .on("POST", repoPath("/issues/7/labels"), 200, [{ name: "tanuki" }])
    .on("POST", repoPath("/check-runs"), 201, { id: 9001, html_url: "https://github.com/acme/widgets/runs/9001" })
    .on("POST", repoPath("/issues/7/comments"), 201, {
      id: 5001,
      html_url: "https://github.com/acme/widgets/issues/7#c5001",
    })
    .on("PATCH", repoPath("/check-runs/9001"), 200, { id: 9001 })
    .on("PATCH", repoPath("/issues/comments/5001"), 200, { id: 5001 });
}

describe("the Action as a process (GitHub API mocked over HTTP, engine scripted)", () => {
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

  it("fixes an issue from an issue_comment event: same gate, status comment, check run and PR as the App; outputs and summary", async () => {
    expectIntake(github, baseSha);
    expectReporting(github);
    github
      .on("POST", repoPath("/pulls"), 201, { number: 13, html_url: "https://github.com/acme/widgets/pull/13" })
      .on("POST", repoPath("/pulls/13/requested_reviewers"), 201, {});
    files = actionFiles(actionIssueComment({ body: "/tanuki fix keep the public API" }));
    const env = actionEnv(files, {
      event: "issue_comment",
      apiUrl: github.url,
      inputs: { "status-interval-ms": "600000" },
      extra: { TANUKI_TEST_SCRIPT: "fixed", TANUKI_TEST_REMOTE: remote.url },
    });

    const run = await runNode(SCRIPTED, env);
    expect(run.stderr).not.toMatch(/::error::/);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    github.assertDone();

    expect(github.calls[0]?.headers.authorization).toBe("token ghs_action_token");
    expect(github.find("POST", repoPath("/pulls"))[0]?.body).toEqual({
      title: "Fix crash on empty widget list",
      body: "## Summary\nGuard the empty list.\n\nFixes #7",
      head: BRANCH,
      base: "main",
      draft: false,
    });
    expect(remote.show(BRANCH, "src/list.js")).toContain("xs[0]?.name");
    expect(github.find("POST", repoPath("/check-runs"))[0]?.body).toMatchObject({ name: "Tanuki", head_sha: baseSha });
    expect(github.find("PATCH", repoPath("/check-runs/9001"))[0]?.body).toMatchObject({ conclusion: "success" });
    const final = { body: bodyText(github.find("PATCH", repoPath("/issues/comments/5001"))[0]) };
    expect(final.body).toContain("[`#13`](https://github.com/acme/widgets/pull/13)");

    const outputs = files.outputs();
    expect(outputs.status).toBe("succeeded");
    expect(outputs["pr-url"]).toBe("https://github.com/acme/widgets/pull/13");
    expect(outputs["job-id"]).toMatch(/^acme-widgets-7-fix-issue-/);
    expect(outputs["report-path"] && existsSync(outputs["report-path"])).toBe(true);
    expect(readFileSync(`${outputs["report-dir"]}/pr.md`, "utf8")).toContain("Guard the empty list.");
    const summary = files.summary();
    expect(summary).toContain("## 🦝 Tanuki: succeeded");
    expect(summary).toContain("Guard the empty list.");
    expect(summary).toMatch(/\| loop: code \| 2\.0 s \|/);
    expect(summary).toMatch(/\| Action \(total\) \| \d+s \|/);
  });

  it("reports a job that does not produce a fix: status failed, exit code 1, nothing pushed, no PR", async () => {
    expectIntake(github, baseSha);
    expectReporting(github);
    files = actionFiles(actionIssueComment({ body: "/tanuki fix" }));
    const env = actionEnv(files, {
      event: "issue_comment",
      apiUrl: github.url,
      inputs: { "status-interval-ms": "600000" },
      extra: { TANUKI_TEST_SCRIPT: "not-fixed", TANUKI_TEST_REMOTE: remote.url },
    });

    const run = await runNode(SCRIPTED, env);
    expect(run.code, run.stderr + run.stdout).toBe(1);
    github.assertDone();
    expect(github.find("POST", repoPath("/pulls"))).toHaveLength(0);
    expect(remote.branchSha(BRANCH)).toBeUndefined();
    expect(github.find("PATCH", repoPath("/check-runs/9001"))[0]?.body).toMatchObject({ conclusion: "failure" });
    const final = { body: bodyText(github.find("PATCH", repoPath("/issues/comments/5001"))[0]) };
    expect(final.body).toMatch(/failed/);
    expect(final.body).toContain("attempt 1: 0 edit(s): tests still fail");

    const outputs = files.outputs();
    expect(outputs.status).toBe("failed");
    expect(outputs.detail).toContain("budget-exhausted");
    expect(outputs["pr-url"]).toBeUndefined();
    expect(files.summary()).toContain("Outcome: `budget-exhausted`");
  });

  it("refuses a command from a user without write permission (the real entry, which then loads no engine)", async () => {
    expectIntake(github, baseSha, "read");
    github.on("POST", repoPath("/issues/7/comments"), 201, {
      id: 5002,
      html_url: "https://github.com/acme/widgets/issues/7#c5002",
    });
    files = actionFiles(actionIssueComment({ body: "/tanuki fix" }));
    const env = actionEnv(files, {
      event: "issue_comment",
      apiUrl: github.url,
      inputs: { "sandbox-image": "tanuki-sandbox:latest" },
    });

    const run = await runNode("src/action/main.ts", env);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    github.assertDone();
    const reply = { body: bodyText(github.find("POST", repoPath("/issues/7/comments"))[0]) };
    expect(reply.body).toContain("only takes requests from people with `write` permission");
    expect(github.find("POST", repoPath("/check-runs"))).toHaveLength(0);
    const outputs = files.outputs();
    expect(outputs.status).toBe("refused");
    expect(outputs["pr-url"]).toBeUndefined();
    expect(files.summary()).toContain("## 🦝 Tanuki: refused");
  });

  it("exits 2 with an error annotation when a required input is missing", async () => {
    files = actionFiles(actionIssueComment({ body: "/tanuki fix" }));
    const env = actionEnv(files, { event: "issue_comment", apiUrl: github.url, inputs: { "github-token": "" } });
    const run = await runNode("src/action/main.ts", env);
    expect(run.code, run.stderr + run.stdout).toBe(2);
    expect(run.stderr).toContain("::error::");
    expect(run.stderr).toContain("input github-token");
    expect(github.calls).toHaveLength(0);
  });
});
