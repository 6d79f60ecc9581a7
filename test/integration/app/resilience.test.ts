import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bodyText } from "../../helpers/app-fixture.js";
import { type BareRemote, createBareRemote } from "../../helpers/app-git.js";
import { GitHubMock } from "../../helpers/app-github-mock.js";
import { type AppHarness, startAppHarness } from "../../helpers/app-harness.js";
import { mockIssueIntake, mockJobReporting, repoPath } from "../../helpers/app-intake-mocks.js";
import { issueCommentCreated } from "../../helpers/app-payloads.js";
import { commitOnBranch, runResult, untilAborted } from "../../helpers/app-scripted-runner.js";

describe("GitHub faults and restarts", () => {
  let remote: BareRemote;
  let github: GitHubMock;
  let sha: string;
  const harnesses: AppHarness[] = [];
  const dirs: string[] = [];

  beforeEach(() => {
    remote = createBareRemote({ "README.md": "widgets\n" });
    sha = remote.branchSha("main") as string;
    github = new GitHubMock();
  });
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
    github.dispose();
    remote.dispose();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("retries 5xx answers (retry enabled, short delays) and then succeeds", async () => {
    const h = await startAppHarness({ remoteUrl: remote.url, retryBaseMs: 5 });
    harnesses.push(h);
    github
      .token()
      .on("POST", repoPath("/issues/comments/1001/reactions"), 502, { message: "Bad Gateway" })
      .on("POST", repoPath("/issues/comments/1001/reactions"), 201, { content: "eyes" })
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "write", role_name: "write" })
      .on("GET", /\/git\/ref\/heads(%2F|\/)main$/, 200, { object: { sha } })
      .on("GET", new RegExp(`/contents/\\.github(%2F|/)tanuki\\.yml\\?ref=${sha}$`), 404, {})
      .on("POST", repoPath("/issues/7/comments"), 500, { message: "boom" }, 2)
      .on("POST", repoPath("/issues/7/comments"), 201, { id: 1 });
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki help" }));
    await h.app.idle();
    github.assertDone();
    expect(github.find("POST", repoPath("/issues/comments/1001/reactions"))).toHaveLength(2);
    expect(github.find("POST", repoPath("/issues/7/comments"))).toHaveLength(3);
  });

  it("reports a job whose GitHub call finally fails on its status comment and check run", async () => {
    const h = await startAppHarness({ remoteUrl: remote.url });
    harnesses.push(h);
    mockIssueIntake(github, { sha });
    github.on("POST", repoPath("/issues/7/labels"), 200, []);
    mockJobReporting(github, { number: 7 });
    github.on("POST", repoPath("/pulls"), 422, { message: "Validation Failed" });
    h.runner.script.fix = (input) => {
      const headSha = commitOnBranch(input.repoDir, sha, input.task.branchName as string, { "README.md": "fixed\n" });
      return runResult({
        outcome: "fixed",
        baseSha: sha,
        branch: input.task.branchName,
        headSha,
        pullRequest: { title: "t", body: "b", draft: false },
      });
    };
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await h.app.idle();
    github.assertDone();
    const final = bodyText(github.find("PATCH", repoPath("/issues/comments/5001")).at(-1));
    expect(final).toMatch(/failed/);
    expect(final).toContain("GitHub API POST pull request failed (422)");
    expect(
      (github.find("PATCH", repoPath("/check-runs/9001")).at(-1)?.body as { conclusion: string } | undefined)
        ?.conclusion,
    ).toBe("failure");
  });

  it("reports jobs that were running when the process stopped as interrupted after a restart", async () => {
    const first = await startAppHarness({ remoteUrl: remote.url });
    harnesses.push(first);
    mockIssueIntake(github, { sha });
    github.on("POST", repoPath("/issues/7/labels"), 200, []);
    mockJobReporting(github, { number: 7 });
    first.runner.script.fix = async (input) => {
      await untilAborted(input.signal);
      throw input.signal.reason;
    };
    const started = first.runner.next("fix");
    await first.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await started;
    // The durable record as a crash would leave it: copied while the job runs.
    const crashedDir = mkdtempSync(join(tmpdir(), "tanuki-crashed-"));
    dirs.push(crashedDir);
    copyFileSync(join(first.dataDir, "jobs.json"), join(crashedDir, "jobs.json"));
    await first.close(); // the first process's own shutdown: reported as cancelled
    harnesses.splice(harnesses.indexOf(first), 1);
    const patchesBefore = github.calls.length;

    github
      .token()
      .on("PATCH", repoPath("/issues/comments/5001"), 200, {})
      .on("PATCH", repoPath("/check-runs/9001"), 200, {});
    const second = await startAppHarness({ remoteUrl: remote.url, dataDir: crashedDir });
    harnesses.push(second);
    expect(await second.app.recovered()).toHaveLength(1);
    github.assertDone();

    const after = github.calls.slice(patchesBefore);
    const comment = bodyText(after.find((c) => c.path === repoPath("/issues/comments/5001")));
    expect(comment).toMatch(/interrupted/);
    expect(comment).toContain("Tanuki restarted while this job was queued or running");
    const check = after.find((c) => c.path === repoPath("/check-runs/9001"))?.body as {
      conclusion: string;
      output: { title: string };
    };
    expect(check.conclusion).toBe("cancelled");
    expect(check.output.title).toBe("Interrupted: Fix for #7");
    expect((await second.store.listJobs()).map((j) => j.state)).toEqual(["interrupted"]);
  });
});
