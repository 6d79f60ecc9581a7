import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppFixture, bodyText, startAppFixture } from "../helpers/app-fixture.js";
import type { GitHubMock } from "../helpers/app-github-mock.js";
import type { AppHarness } from "../helpers/app-harness.js";
import { mockIssueIntake, repoPath } from "../helpers/app-intake-mocks.js";
import { issueCommentCreated } from "../helpers/app-payloads.js";

/**
 * A captured delivery replayed with a new `X-GitHub-Delivery` id (the id is the sender's to choose) is the same
 * event: real signed payloads through the App's real server; GitHub's API mocked, each call expected once.
 */
describe("deliveries are de-duplicated by event identity, not only by delivery id", () => {
  let fixture: AppFixture;
  let github: GitHubMock;
  let h: AppHarness;
  let sha: string;

  beforeEach(async () => {
    fixture = await startAppFixture({ "README.md": "widgets\n" });
    ({ github, h, baseSha: sha } = fixture);
  });
  afterEach(() => fixture.close());

  it("answers a comment replayed under new delivery ids once", async () => {
    mockIssueIntake(github, { sha, commentId: 3001 });
    github.on("POST", repoPath("/issues/7/comments"), 201, { id: 1 });
    const payload = issueCommentCreated({ body: "/tanuki help", commentId: 3001 });
    const answers = [
      await h.deliver("issue_comment", payload, { id: "delivery-1" }),
      await h.deliver("issue_comment", payload, { id: "delivery-2" }),
      await h.deliver("issue_comment", structuredClone(payload), { id: "delivery-3" }),
    ];
    await h.app.idle();
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    github.assertDone();
    expect(github.find("POST", repoPath("/issues/7/comments"))).toHaveLength(1);
  });

  it("still answers a different comment with the same text", async () => {
    mockIssueIntake(github, { sha, commentId: 3001 });
    github.on("POST", repoPath("/issues/7/comments"), 201, { id: 1 });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki help", commentId: 3001 }));
    await h.app.idle();
    github
      .on("POST", repoPath("/issues/comments/3002/reactions"), 201, {})
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "write", role_name: "write" })
      .on("GET", /\/git\/ref\/heads(%2F|\/)main$/, 200, { object: { sha } })
      .on("GET", new RegExp(`/contents/\\.github(%2F|/)tanuki\\.yml\\?ref=${sha}$`), 404, {})
      .on("POST", repoPath("/issues/7/comments"), 201, { id: 2 });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki help", commentId: 3002 }));
    await h.app.idle();
    github.assertDone();
    const replies = github.find("POST", repoPath("/issues/7/comments")).map(bodyText);
    expect(replies).toHaveLength(2);
  });
});
