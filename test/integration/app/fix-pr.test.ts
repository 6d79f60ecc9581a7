import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MAX_BODY_CHARS } from "../../../src/intake/sanitize.js";
import { type AppFixture, startAppFixture } from "../../helpers/app-fixture.js";
import type { BareRemote } from "../../helpers/app-git.js";
import type { GitHubMock } from "../../helpers/app-github-mock.js";
import type { AppHarness } from "../../helpers/app-harness.js";
import { configPath, mockJobReporting, repoPath } from "../../helpers/app-intake-mocks.js";
import { issueCommentCreated } from "../../helpers/app-payloads.js";
import { runResult } from "../../helpers/app-scripted-runner.js";

const PR_BODY = "Adds a guard for the empty list.";
/** A long log: its start must be cut, its end (the failure) kept. */
const LOG = `EARLY-SETUP-LINE\n${"2026-01-01T00:00:00Z installing dependencies\n".repeat(800)}FAIL test/list.test.js\n  expected undefined, received "a"\n`;

describe("/tanuki fix on a pull request", () => {
  let fixture: AppFixture;
  let remote: BareRemote;
  let github: GitHubMock;
  let h: AppHarness;
  let baseSha: string;
  let headSha: string;

  beforeEach(async () => {
    fixture = await startAppFixture({ "src/list.js": "export const first = (xs) => xs[0].name;\n" });
    ({ remote, github, h, baseSha } = fixture);
    headSha = remote.commit({ "src/list.js": "export const first = (xs) => xs[1].name;\n" }, "oops", "feature");
  });
  afterEach(() => fixture.close());

  /** The intake of `/tanuki fix` on pull request 7 (branch `feature` of this repository) and its job reporting. */
  function mockPrFixIntake() {
    github
      .token()
      .on("POST", repoPath("/issues/comments/1001/reactions"), 201, { id: 1, content: "eyes" })
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "write", role_name: "write" })
      .on(
        "GET",
        repoPath("/pulls/7"),
        200,
        {
          number: 7,
          title: "Guard the empty list",
          body: PR_BODY,
          draft: false,
          state: "open",
          head: { sha: headSha, ref: "feature", repo: { full_name: "acme/widgets" } },
          base: { sha: baseSha, ref: "main" },
          user: { login: "bob" },
          html_url: "https://github.com/acme/widgets/pull/7",
        },
        2, // pinned when the command is handled, read again when the job ends (has the head moved?)
      )
      .on("GET", configPath(baseSha), 404, { message: "Not Found" });
    mockJobReporting(github, { number: 7 });
  }

  const checkRunsPath = () => repoPath(`/commits/${headSha}/check-runs?filter=latest&per_page=100`);
  const checkRun = (id: number, name: string, conclusion: string, slug = "github-actions") => ({
    id,
    name,
    status: "completed",
    conclusion,
    app: { slug },
    output: { title: null, summary: null, text: null },
  });

  it("hands the failing checks' names and log tails to the engine; an unavailable log is named, not fatal", async () => {
    mockPrFixIntake();
    github
      .on("GET", checkRunsPath(), 200, {
        total_count: 4,
        check_runs: [
          checkRun(555, "test", "failure"),
          checkRun(556, "lint", "success"),
          checkRun(557, "build", "timed_out"),
          checkRun(9000, "Tanuki", "failure", "tanuki-app"),
        ],
      })
      .on("GET", repoPath("/actions/jobs/555/logs"), 200, LOG)
      .on("GET", repoPath("/actions/jobs/557/logs"), 410, { message: "Gone" });
    h.runner.script.fix = (input) => runResult({ outcome: "not-fixed", baseSha: input.task.baseSha as string });

    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix", pullRequest: true }));
    await h.app.idle();
    github.assertDone();

    const checkCalls = github.calls.filter((c) => c.method === "GET" && /check-runs|logs/.test(c.path));
    expect(checkCalls.map((c) => c.path)).toEqual([
      checkRunsPath(),
      repoPath("/actions/jobs/555/logs"),
      repoPath("/actions/jobs/557/logs"),
    ]);
    const [fix] = h.runner.calls.fix;
    const body = fix?.task.issue.body ?? "";
    expect(fix?.task.baseSha).toBe(headSha);
    expect(body).toContain("### test\n");
    expect(body).toContain('FAIL test/list.test.js\n  expected undefined, received "a"');
    expect(body).not.toContain("EARLY-SETUP-LINE");
    expect(body).toMatch(/### build\n\(the log of this check is unavailable/);
    expect(body).not.toContain("### lint");
    expect(body).not.toContain("### Tanuki");
    expect(body).toContain(PR_BODY);
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_CHARS);
    expect(fix?.task.instructions).toContain("failing checks pass (2 failing");
  });

  it("without failing checks downloads no log and gives the engine the pull request's own description", async () => {
    mockPrFixIntake();
    github.on("GET", checkRunsPath(), 200, {
      total_count: 2,
      check_runs: [checkRun(555, "test", "success"), checkRun(556, "lint", "skipped")],
    });
    h.runner.script.fix = (input) => runResult({ outcome: "not-fixed", baseSha: input.task.baseSha as string });

    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix keep the API", pullRequest: true }));
    await h.app.idle();
    github.assertDone();

    expect(github.find("GET", /\/logs$/)).toHaveLength(0);
    const [fix] = h.runner.calls.fix;
    expect(fix?.task.issue.body).toBe(PR_BODY);
    expect(fix?.task.instructions).toBe("keep the API\n\nMake the pull request's failing checks pass.");
  });
});
