import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppFixture, startAppFixture } from "../../helpers/app-fixture.js";
import type { BareRemote } from "../../helpers/app-git.js";
import type { GitHubMock } from "../../helpers/app-github-mock.js";
import type { AppHarness } from "../../helpers/app-harness.js";
import { mockIssueIntake, mockJobReporting, repoPath } from "../../helpers/app-intake-mocks.js";
import { issueCommentCreated, issuesLabeled } from "../../helpers/app-payloads.js";
import { commitOnBranch, runResult } from "../../helpers/app-scripted-runner.js";

const BRANCH = "tanuki/issue-7-crash-when-the-widget-list-is-empty";

describe("/tanuki fix on an issue", () => {
  let fixture: AppFixture;
  let remote: BareRemote;
  let github: GitHubMock;
  let h: AppHarness;
  let baseSha: string;

  beforeEach(async () => {
    fixture = await startAppFixture({ "src/list.js": "export const first = (xs) => xs[0].name;\n" });
    ({ remote, github, h, baseSha } = fixture);
  });
  afterEach(() => fixture.close());

  it("reacts, reports progress, pushes the branch from the pinned SHA and opens the PR with the engine's body", async () => {
    mockIssueIntake(github, { sha: baseSha });
    github.on("POST", repoPath("/issues/7/labels"), 200, [{ name: "tanuki" }]);
    mockJobReporting(github, { number: 7 });
    github
      .on("POST", repoPath("/pulls"), 201, { number: 13, html_url: "https://github.com/acme/widgets/pull/13" })
      .on("POST", repoPath("/pulls/13/requested_reviewers"), 201, {});
    let gitConfigDuringRun = "";
    h.runner.script.fix = (input) => {
      gitConfigDuringRun = readFileSync(join(input.repoDir, ".git", "config"), "utf8");
      input.onEvent({ type: "phase", phase: "test", attempt: 1, elapsedMs: 10 });
      input.onEvent({ type: "tests", which: "after", passed: 3, failed: 0, exitCode: 0, elapsedMs: 20 });
      const headSha = commitOnBranch(input.repoDir, input.task.baseSha as string, input.task.branchName as string, {
        "src/list.js": "export const first = (xs) => xs[0]?.name;\n",
      });
      return runResult({
        outcome: "fixed",
        baseSha: input.task.baseSha as string,
        branch: input.task.branchName,
        headSha,
        findings: [{ file: "src/list.js", line: 1, severity: "minor", explanation: "Consider a default value." }],
        pullRequest: {
          title: "Fix crash on empty widget list",
          body: "## Summary\nGuard the empty list.\n\nFixes #7",
          draft: false,
        },
      });
    };

    const res = await h.deliver(
      "issue_comment",
      issueCommentCreated({ body: "Thanks!\n/TANUKI fix keep the public API\n" }),
    );
    expect(res.status).toBe(200);
    await h.app.idle();
    github.assertDone();

    expect(github.find("POST", repoPath("/issues/comments/1001/reactions"))[0]?.body).toEqual({ content: "eyes" });
    expect(github.find("POST", repoPath("/issues/7/labels"))[0]?.body).toEqual({ labels: ["tanuki"] });
    const [fix] = h.runner.calls.fix;
    expect(fix?.task).toMatchObject({
      baseSha,
      branchName: BRANCH,
      instructions: "keep the public API",
      issue: { number: 7 },
    });
    expect(gitConfigDuringRun).not.toMatch(/ghs_|extraheader|\[remote/);

    const pushed = remote.branchSha(BRANCH);
    expect(pushed).toBeDefined();
    expect(remote.show(`${pushed}~1`, "src/list.js")).toContain("xs[0].name");
    expect(remote.show(BRANCH, "src/list.js")).toContain("xs[0]?.name");

    expect(github.find("POST", repoPath("/pulls"))[0]?.body).toEqual({
      title: "Fix crash on empty widget list",
      body: "## Summary\nGuard the empty list.\n\nFixes #7",
      head: BRANCH,
      base: "main",
      draft: false,
    });
    expect(github.find("POST", repoPath("/pulls/13/requested_reviewers"))[0]?.body).toEqual({ reviewers: ["alice"] });

    const created = github.find("POST", repoPath("/issues/7/comments"))[0]?.body as { body: string };
    expect(created.body).toMatch(/queued/);
    expect(created.body).toContain("https://github.com/acme/widgets/runs/9001");
    const final = github.find("PATCH", repoPath("/issues/comments/5001")).at(-1)?.body as { body: string };
    expect(final.body).toMatch(/done/);
    expect(final.body).toContain("[`#13`](https://github.com/acme/widgets/pull/13)");

    const checkCreate = github.find("POST", repoPath("/check-runs"))[0]?.body as Record<string, unknown>;
    expect(checkCreate).toMatchObject({ name: "Tanuki", head_sha: baseSha, status: "queued" });
    const checkFinal = github.find("PATCH", repoPath("/check-runs/9001")).at(-1)?.body as {
      conclusion: string;
      output: { annotations: { path: string; start_line: number; annotation_level: string }[] };
    };
    expect(checkFinal.conclusion).toBe("success");
    expect(checkFinal.output.annotations).toEqual([
      expect.objectContaining({ path: "src/list.js", start_line: 1, annotation_level: "warning" }),
    ]);
  });

  it("opens a draft PR when the tests do not all pass", async () => {
    mockIssueIntake(github, { sha: baseSha });
    github.on("POST", repoPath("/issues/7/labels"), 200, []);
    mockJobReporting(github, { number: 7 });
    github
      .on("POST", repoPath("/pulls"), 201, { number: 14, html_url: "https://github.com/acme/widgets/pull/14" })
      .on("POST", repoPath("/pulls/14/requested_reviewers"), 201, {});
    h.runner.script.fix = (input) => {
      const headSha = commitOnBranch(input.repoDir, baseSha, BRANCH, { "src/list.js": "partial\n" });
      return runResult({
        outcome: "not-fixed",
        baseSha,
        branch: BRANCH,
        headSha,
        pullRequest: { title: "Partial fix", body: "Tests still fail.\n\nFixes #7", draft: true },
      });
    };
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await h.app.idle();
    github.assertDone();
    expect(github.find("POST", repoPath("/pulls"))[0]?.body).toMatchObject({ draft: true, head: BRANCH });
    const checkFinal = github.find("PATCH", repoPath("/check-runs/9001")).at(-1)?.body as { conclusion: string };
    expect(checkFinal.conclusion).toBe("neutral");
  });

  it("explains a failure with what was tried and pushes nothing", async () => {
    mockIssueIntake(github, { sha: baseSha });
    github.on("POST", repoPath("/issues/7/labels"), 200, []);
    mockJobReporting(github, { number: 7 });
    h.runner.script.fix = () =>
      runResult({
        outcome: "budget-exhausted",
        reason: "the attempt budget (2) ran out",
        baseSha,
        attempts: [
          {
            attempt: 1,
            edits: [],
            editProblems: [],
            diff: "",
            findings: [],
            score: 0,
            durationMs: 5,
            failureReason: "edit did not apply",
          },
          {
            attempt: 2,
            edits: [],
            editProblems: [],
            diff: "",
            findings: [],
            score: 0,
            durationMs: 5,
            failureReason: "tests still fail",
          },
        ],
        rcas: [
          {
            symptom: "TypeError",
            whys: ["xs is empty"],
            rootCause: "no guard for empty lists",
            nextAttemptAdvice: "guard",
            attempt: 2,
          },
        ],
      });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await h.app.idle();
    github.assertDone();
    const final = (github.find("PATCH", repoPath("/issues/comments/5001")).at(-1)?.body as { body: string } | undefined)
      ?.body;
    expect(final).toMatch(/failed/);
    expect(final).toContain("the attempt budget (2) ran out");
    expect(final).toContain("attempt 1: 0 edit(s): edit did not apply");
    expect(final).toContain("no guard for empty lists");
    expect(remote.branchSha(BRANCH)).toBeUndefined();
    expect(
      (github.find("PATCH", repoPath("/check-runs/9001")).at(-1)?.body as { conclusion: string } | undefined)
        ?.conclusion,
    ).toBe("failure");
  });

  it("starts a fix when a human adds the label, and ignores the label added by a bot", async () => {
    github
      .token()
      .on("GET", /\/git\/ref\/heads(%2F|\/)main$/, 200, { object: { sha: baseSha } })
      .on("GET", new RegExp(`/contents/\\.github(%2F|/)tanuki\\.yml\\?ref=${baseSha}$`), 404, {})
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "admin", role_name: "admin" });
    mockJobReporting(github, { number: 7 });
    h.runner.script.fix = () => runResult({ outcome: "not-fixed", baseSha, reason: "no plan worked" });
    await h.deliver("issues", issuesLabeled({ label: "tanuki", login: "tanuki-app[bot]", userType: "Bot" }));
    await h.deliver("issues", issuesLabeled({ label: "tanuki" }));
    await h.app.idle();
    github.assertDone();
    expect(h.runner.calls.fix).toHaveLength(1);
  });
});
