import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppFixture, startAppFixture } from "../helpers/app-fixture.js";
import type { GitHubMock } from "../helpers/app-github-mock.js";
import type { AppHarness } from "../helpers/app-harness.js";
import { mockIssueIntake, mockJobReporting, repoPath } from "../helpers/app-intake-mocks.js";
import { issueCommentCreated } from "../helpers/app-payloads.js";

/**
 * GitHub gives up on a delivery after 10 s and may retry it: a webhook handler must only enqueue, never wait on a
 * job. The job here is blocked on a promise the test holds, so "acknowledged while it runs" is an ordering fact,
 * not a timing one.
 */
describe("acknowledgements never wait on a job (the App's real server and Probot middleware)", () => {
  let fixture: AppFixture;
  let github: GitHubMock;
  let h: AppHarness;
  let sha: string;

  beforeEach(async () => {
    fixture = await startAppFixture({ "README.md": "widgets\n" });
    ({ github, h, baseSha: sha } = fixture);
  });
  afterEach(() => fixture.close());

  it("acknowledges the triggering delivery and every later one while a job is blocked", async () => {
    mockIssueIntake(github, { sha });
    github.on("POST", repoPath("/issues/7/labels"), 200, []);
    mockJobReporting(github, { number: 7 });
    let release: (() => void) | undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    let jobEnded = false;
    h.runner.script.fix = async () => {
      await blocked;
      jobEnded = true;
      throw new Error("the test's job ends here");
    };
    const started = h.runner.next("fix");

    const trigger = await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    expect(trigger.status).toBe(200);
    await started;

    const later = [
      await h.deliver("issue_comment", issueCommentCreated({ body: "thanks!", commentId: 2001 })),
      await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix", login: "ci[bot]", userType: "Bot" })),
      await h.deliver("ping", { zen: "Keep it logically awesome.", hook_id: 1 }),
    ];
    expect(later.map((res) => res.status)).toEqual([200, 200, 200]);
    // Every answer above came while the job was still blocked.
    expect(jobEnded).toBe(false);

    release?.();
    await h.app.idle();
    expect(jobEnded).toBe(true);
    github.assertDone();
    expect(h.runner.calls.fix).toHaveLength(1);
  });
});
