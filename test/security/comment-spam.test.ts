import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type AppFixture, bodyText, startAppFixture } from "../helpers/app-fixture.js";
import type { GitHubMock } from "../helpers/app-github-mock.js";
import type { AppHarness } from "../helpers/app-harness.js";
import { configPath, mockJobReporting, repoPath } from "../helpers/app-intake-mocks.js";
import { issueCommentCreated } from "../helpers/app-payloads.js";

const NOT_ACCEPTED = /this command was not accepted/;

/** The reads of a command's intake on an issue (permission, default-branch SHA, config). */
function mockReads(github: GitHubMock, sha: string, user: string): void {
  github
    .on("GET", repoPath(`/collaborators/${user}/permission`), 200, { permission: "write", role_name: "write" })
    .on("GET", /\/git\/ref\/heads(%2F|\/)main$/, 200, { object: { sha, type: "commit" } })
    .on("GET", configPath(sha), 404, { message: "Not Found" });
}

/** Every call of an accepted `/tanuki fix` on issue `number` whose job fails: reads, eyes, label, reporting. */
function mockAcceptedFix(github: GitHubMock, sha: string, user: string, number: number): void {
  mockReads(github, sha, user);
  github
    .on("POST", repoPath(`/issues/comments/${1000 + number}/reactions`), 201, { content: "eyes" })
    .on("POST", repoPath(`/issues/${number}/labels`), 200, []);
  mockJobReporting(github, { number, checkRunId: 9000 + number, commentId: 5000 + number });
}

/** A `/tanuki fix` comment on issue `number` (its comment id is 1000 + number). */
const fixComment = (number: number, login = "alice") =>
  issueCommentCreated({ body: "/tanuki fix", number, commentId: 1000 + number, login });

/** API writes (everything but reads and the installation token). */
const writes = (github: GitHubMock) =>
  github.calls.filter((c) => c.method !== "GET" && !c.path.endsWith("/access_tokens"));

/**
 * Comment spam against the App's real server and Probot middleware, with real signed deliveries: the command
 * limits hold before any GitHub write, each spammer gets one reply per window, and the window is `Date` (faked).
 */
describe("comment spam is cut off by per-user and per-repository command limits", () => {
  let fixture: AppFixture;
  let github: GitHubMock;
  let h: AppHarness;
  let sha: string;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  });
  afterEach(async () => {
    await fixture.close();
    vi.useRealTimers();
  });

  it("queues at most 5 jobs for 50 commands from one user (defaults), answers the rest once, then accepts again after 10 minutes", async () => {
    fixture = await startAppFixture({ "README.md": "widgets\n" });
    ({ github, h, baseSha: sha } = fixture);
    h.runner.script.fix = () => {
      throw new Error("the test's job ends here");
    };
    github.token();
    for (const n of [1, 2, 3, 4, 5]) mockAcceptedFix(github, sha, "alice", n);
    github.on("POST", repoPath("/issues/6/comments"), 201, { id: 6006 });

    const answers: number[] = [];
    for (let n = 1; n <= 50; n++) answers.push((await h.deliver("issue_comment", fixComment(n))).status);
    await h.app.idle();

    expect(answers).toEqual(Array(50).fill(200));
    github.assertDone();
    expect(h.runner.calls.fix).toHaveLength(5);
    expect((await h.store.listJobs()).map((j) => j.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    const replies = github.find("POST", /\/issues\/\d+\/comments$/).filter((c) => NOT_ACCEPTED.test(bodyText(c)));
    expect(replies.map((c) => c.path)).toEqual([repoPath("/issues/6/comments")]);
    expect(bodyText(replies[0])).toMatch(/5 commands to this repository within 10 minutes.*Try again after/);
    // 6 writes per accepted job (eyes, label, check run, status comment, their final edits) and the one reply.
    expect(writes(github)).toHaveLength(5 * 6 + 1);

    vi.setSystemTime(Date.now() + 10 * 60_000);
    mockAcceptedFix(github, sha, "alice", 51);
    await h.deliver("issue_comment", fixComment(51));
    await h.app.idle();
    github.assertDone();
    expect(h.runner.calls.fix).toHaveLength(6);
  });

  it("accepts a second user until the repository's limit, refuses everyone then with one reply each, and no eyes", async () => {
    const commandLimits = { perUser: 2, perRepo: 3, windowMs: 60_000, maxWaiting: 50, maxWaitingPerRepo: 50 };
    fixture = await startAppFixture({ "README.md": "widgets\n" }, { commandLimits });
    ({ github, h, baseSha: sha } = fixture);
    h.runner.script.fix = () => {
      throw new Error("the test's job ends here");
    };
    github.token();
    // Intakes one at a time, so which command meets the repository's limit is fixed.
    const send = async (number: number, login: string) => {
      await h.deliver("issue_comment", fixComment(number, login));
      await h.app.idle();
    };
    mockAcceptedFix(github, sha, "alice", 1);
    mockAcceptedFix(github, sha, "alice", 2);
    github.on("POST", repoPath("/issues/3/comments"), 201, { id: 6003 });
    await send(1, "alice");
    await send(2, "alice");
    await send(3, "alice"); // over alice's own limit: no GitHub call but the reply
    mockAcceptedFix(github, sha, "bob", 4);
    await send(4, "bob"); // the repository's third
    mockReads(github, sha, "bob");
    github.on("POST", repoPath("/issues/5/comments"), 201, { id: 6005 });
    await send(5, "bob");
    mockReads(github, sha, "carol");
    mockReads(github, sha, "carol");
    github.on("POST", repoPath("/issues/6/comments"), 201, { id: 6006 });
    await send(6, "carol");
    await send(7, "carol"); // reads only: no second reply
    github.assertDone();
    expect(h.runner.calls.fix).toHaveLength(3);
    const replies = github.find("POST", /\/issues\/\d+\/comments$/).filter((c) => NOT_ACCEPTED.test(bodyText(c)));
    expect(replies.map((c) => [c.path, bodyText(c).split(",")[0]])).toEqual([
      [repoPath("/issues/3/comments"), "@alice"],
      [repoPath("/issues/5/comments"), "@bob"],
      [repoPath("/issues/6/comments"), "@carol"],
    ]);
    expect(bodyText(replies[1])).toMatch(/this repository has had 3 commands within 1 minute/);
    expect(github.find("POST", /\/reactions$/)).toHaveLength(3);

    vi.setSystemTime(Date.now() + 60_000);
    mockAcceptedFix(github, sha, "carol", 8);
    await send(8, "carol");
    github.assertDone();
    expect(h.runner.calls.fix).toHaveLength(4);
  });

  it("refuses a job command while the repository's queue is full, with one reply and no eyes", async () => {
    const commandLimits = { perUser: 5, perRepo: 20, windowMs: 60_000, maxWaiting: 50, maxWaitingPerRepo: 1 };
    fixture = await startAppFixture({ "README.md": "widgets\n" }, { commandLimits, concurrency: 1 });
    ({ github, h, baseSha: sha } = fixture);
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((resolve) => {
      release = resolve;
    });
    h.runner.script.fix = async () => {
      await blocked;
      throw new Error("the test's job ends here");
    };
    github.token();
    mockAcceptedFix(github, sha, "alice", 1);
    mockAcceptedFix(github, sha, "alice", 2);
    const running = h.runner.next("fix");
    await h.deliver("issue_comment", fixComment(1));
    await running; // job 1 holds the only slot
    await h.deliver("issue_comment", fixComment(2));
    // Job 2 waits once its status comment exists (it is queued before that comment is written).
    await vi.waitFor(() => expect(github.find("POST", repoPath("/issues/2/comments"))).toHaveLength(1), {
      timeout: 30_000,
    });
    mockReads(github, sha, "bob");
    github.on("POST", repoPath("/issues/3/comments"), 201, { id: 6003 });
    await h.deliver("issue_comment", fixComment(3, "bob"));
    await vi.waitFor(() => expect(github.find("POST", repoPath("/issues/3/comments"))).toHaveLength(1), {
      timeout: 30_000,
    });
    release();
    await h.app.idle();
    github.assertDone();
    expect(h.runner.calls.fix).toHaveLength(2);
    expect(bodyText(github.find("POST", repoPath("/issues/3/comments"))[0])).toMatch(/@bob, .*queue is full/);
    expect(github.find("POST", repoPath("/issues/comments/1003/reactions"))).toHaveLength(0);
  });
});
