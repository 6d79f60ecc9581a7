import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppFixture, bodyText, startAppFixture } from "../../helpers/app-fixture.js";
import type { GitHubMock } from "../../helpers/app-github-mock.js";
import type { AppHarness } from "../../helpers/app-harness.js";
import { mockIssueIntake, mockJobReporting, repoPath } from "../../helpers/app-intake-mocks.js";
import { issueCommentCreated } from "../../helpers/app-payloads.js";
import { untilAborted } from "../../helpers/app-scripted-runner.js";

describe("commands, permissions and deliveries", () => {
  let fixture: AppFixture;
  let github: GitHubMock;
  let h: AppHarness;
  let sha: string;

  beforeEach(async () => {
    fixture = await startAppFixture({ "README.md": "widgets\n" });
    ({ github, h, baseSha: sha } = fixture);
  });
  afterEach(() => fixture.close());

  it("answers an unauthorized commenter once, politely, and runs nothing", async () => {
    mockIssueIntake(github, { sha, permission: "read" });
    github.on("POST", repoPath("/issues/7/comments"), 201, { id: 1 });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await h.app.idle();
    github.assertDone();
    expect(bodyText(github.find("POST", repoPath("/issues/7/comments"))[0])).toMatch(/@alice.*`write` permission/s);
    expect(h.runner.calls.fix).toHaveLength(0);
  });

  it("lets a repository lower the minimum permission in .github/tanuki.yml", async () => {
    mockIssueIntake(github, { sha, permission: "triage", config: "minPermission: triage\n" });
    github.on("POST", repoPath("/issues/7/comments"), 201, { id: 1 });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki help" }));
    await h.app.idle();
    github.assertDone();
    expect(bodyText(github.calls.at(-1))).toContain("/tanuki fix [instructions]");
  });

  it("ignores bots, Tanuki itself included, without a single API call", async () => {
    const bot = await h.deliver(
      "issue_comment",
      issueCommentCreated({ body: "/tanuki fix", login: "dependabot[bot]", userType: "Bot" }),
    );
    const self = await h.deliver(
      "issue_comment",
      issueCommentCreated({ body: "/tanuki help", login: "tanuki-app[bot]", userType: "Bot" }),
    );
    await h.app.idle();
    expect([bot.status, self.status]).toEqual([200, 200]);
    expect(github.calls).toEqual([]);
    github.assertDone();
  });

  it("does not re-trigger on an edited comment", async () => {
    const edited = {
      ...issueCommentCreated({ body: "/tanuki fix" }),
      action: "edited",
      changes: { body: { from: "x" } },
    };
    const res = await h.deliver("issue_comment", edited);
    await h.app.idle();
    expect(res.status).toBe(200);
    expect(github.calls).toEqual([]);
  });

  it("runs the same delivery once", async () => {
    mockIssueIntake(github, { sha });
    github.on("POST", repoPath("/issues/7/comments"), 201, { id: 1 });
    const payload = issueCommentCreated({ body: "/tanuki help" });
    const first = await h.deliver("issue_comment", payload, { id: "delivery-1" });
    const again = await h.deliver("issue_comment", payload, { id: "delivery-1" });
    await h.app.idle();
    expect([first.status, again.status]).toEqual([200, 200]);
    github.assertDone();
    expect(github.find("POST", repoPath("/issues/7/comments"))).toHaveLength(1);
  });

  it("refuses a delivery with an invalid signature (401) and runs nothing", async () => {
    const res = await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }), { secret: "wrong" });
    await h.app.idle();
    expect(res.status).toBe(401);
    expect(github.calls).toEqual([]);
    expect(h.runner.calls.fix).toHaveLength(0);
  });

  it("answers an unknown subcommand with the help text", async () => {
    mockIssueIntake(github, { sha });
    github.on("POST", repoPath("/issues/7/comments"), 201, { id: 1 });
    await h.deliver("issue_comment", issueCommentCreated({ body: "Hey\n  /tanuki dance now\n" }));
    await h.app.idle();
    github.assertDone();
    const reply = bodyText(github.find("POST", repoPath("/issues/7/comments"))[0]);
    expect(reply).toContain("I don't know the command `dance`");
    expect(reply).toContain("/tanuki cancel");
  });

  it("reports an invalid .github/tanuki.yml with each key path and runs nothing", async () => {
    mockIssueIntake(github, {
      sha,
      config: "label: tanuki\nbudgets:\n  maxAttempts: 0\nautoReview:\n  skipDraft: true\n",
    });
    github
      .on("POST", repoPath("/check-runs"), 201, { id: 77, html_url: "https://github.com/acme/widgets/runs/77" })
      .on("POST", repoPath("/issues/7/comments"), 201, { id: 1 });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await h.app.idle();
    github.assertDone();
    const comment = bodyText(github.find("POST", repoPath("/issues/7/comments"))[0]);
    expect(comment).toContain("`budgets.maxAttempts: Too small: expected number to be >=1`");
    expect(comment).toContain('`autoReview: Unrecognized key: "skipDraft"`');
    expect(comment).toContain("https://github.com/acme/widgets/runs/77");
    const check = github.find("POST", repoPath("/check-runs"))[0]?.body as {
      conclusion: string;
      output: { summary: string };
    };
    expect(check.conclusion).toBe("failure");
    expect(check.output.summary).toContain("budgets.maxAttempts");
    expect(h.runner.calls.fix).toHaveLength(0);
  });

  it("cancels a running job with /tanuki cancel and reports it; a second fix meanwhile is refused", async () => {
    mockIssueIntake(github, { sha });
    github.on("POST", repoPath("/issues/7/labels"), 200, []);
    mockJobReporting(github, { number: 7 });
    h.runner.script.fix = async (input) => {
      await untilAborted(input.signal);
      throw input.signal.reason;
    };
    const started = h.runner.next("fix");
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await started;

    // A second fix while the first runs: refused with a comment.
    github
      .on("POST", repoPath("/issues/comments/1002/reactions"), 201, {})
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "write", role_name: "write" })
      .on("GET", /\/git\/ref\/heads(%2F|\/)main$/, 200, { object: { sha } })
      .on("GET", new RegExp(`/contents/\\.github(%2F|/)tanuki\\.yml\\?ref=${sha}$`), 404, {})
      .on("POST", repoPath("/issues/7/comments"), 201, { id: 2 });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix", commentId: 1002 }));
    // Then cancel.
    github
      .on("POST", repoPath("/issues/comments/1003/reactions"), 201, {})
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "write", role_name: "write" })
      .on("GET", /\/git\/ref\/heads(%2F|\/)main$/, 200, { object: { sha } })
      .on("GET", new RegExp(`/contents/\\.github(%2F|/)tanuki\\.yml\\?ref=${sha}$`), 404, {});
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki cancel", commentId: 1003 }));
    await h.app.idle();
    github.assertDone();

    const comments = github.find("POST", repoPath("/issues/7/comments")).map(bodyText);
    expect(comments[1]).toContain("already running");
    const final = bodyText(github.find("PATCH", repoPath("/issues/comments/5001")).at(-1));
    expect(final).toMatch(/cancelled/);
    expect(final).toContain("cancelled by `@alice.`");
    expect(
      (github.find("PATCH", repoPath("/check-runs/9001")).at(-1)?.body as { conclusion: string } | undefined)
        ?.conclusion,
    ).toBe("cancelled");
    expect(h.runner.calls.fix).toHaveLength(1);
  });
});
