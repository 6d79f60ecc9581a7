import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppFixture, startAppFixture } from "../../helpers/app-fixture.js";
import { type BareRemote, git } from "../../helpers/app-git.js";
import type { GitHubMock } from "../../helpers/app-github-mock.js";
import type { AppHarness } from "../../helpers/app-harness.js";
import { configPath, repoPath } from "../../helpers/app-intake-mocks.js";
import { checkRunFailed, workflowRunFailed } from "../../helpers/app-payloads.js";
import { commitOnBranch, runResult } from "../../helpers/app-scripted-runner.js";

const LOG = "2026-01-01T00:00:00Z Run npm test\nFAIL test/calc.test.js\n  expected 2, received 3\n";
const RCA = {
  symptom: "calc.test.js: expected 2, received 3",
  whys: ["add() returns a + b + 1", "an off-by-one was introduced in the last commit"],
  rootCause: "off-by-one in add()",
  nextAttemptAdvice: "return a + b",
  attempt: 1,
};

describe("failing checks on pull requests", () => {
  let fixture: AppFixture;
  let remote: BareRemote;
  let github: GitHubMock;
  let h: AppHarness;
  let baseSha: string;

  beforeEach(async () => {
    fixture = await startAppFixture({ "src/calc.js": "export const add = (a, b) => a + b;\n" });
    ({ remote, github, h, baseSha } = fixture);
  });
  afterEach(() => fixture.close());

  function mockCheckJob() {
    github
      .token()
      .on("GET", configPath(baseSha), 404, {})
      .on("POST", repoPath("/check-runs"), 201, { id: 9001, html_url: "https://github.com/acme/widgets/runs/9001" })
      .on("PATCH", repoPath("/check-runs/9001"), 200, {})
      .on("GET", repoPath("/actions/jobs/555/logs"), 200, LOG)
      .on("POST", repoPath("/issues/12/comments"), 201, { id: 6001, html_url: "c" });
  }

  it("posts the root-cause analysis of the failing log as a comment, once per failure", async () => {
    const headSha = remote.commit({ "src/calc.js": "export const add = (a, b) => a + b + 1;\n" }, "oops", "feature");
    mockCheckJob();
    github.on("GET", repoPath("/actions/runs/31/jobs?filter=latest"), 200, {
      total_count: 1,
      jobs: [{ id: 555, name: "test", conclusion: "failure" }],
    });
    h.runner.script.analyzeFailure = () => RCA;

    await h.deliver("check_run", checkRunFailed({ headSha, baseSha, headRef: "feature" }));
    // The same failure seen through its workflow run is not analysed again.
    await h.deliver("workflow_run", workflowRunFailed({ headSha, baseSha, headRef: "feature" }));
    await h.app.idle();
    github.assertDone();

    expect(h.runner.calls.analyzeFailure).toHaveLength(1);
    expect(h.runner.calls.analyzeFailure[0]).toMatchObject({ checkName: "test", log: LOG });
    const comment = (github.find("POST", repoPath("/issues/12/comments"))[0]?.body as { body: string } | undefined)
      ?.body;
    expect(comment).toContain(`why \`test\` failed on ${headSha.slice(0, 7)}`);
    expect(comment).toContain("1. Why? add() returns a + b + 1");
    expect(comment).toContain("**Root cause:** off-by-one in add()");
    expect(h.runner.calls.fixFailure).toHaveLength(0);
  });

  it("on a tanuki/* branch also pushes a fix commit onto the branch", async () => {
    const branch = "tanuki/issue-3-add";
    const headSha = remote.commit(
      { "src/calc.js": "export const add = (a, b) => a + b + 1;\n" },
      "tanuki attempt",
      branch,
    );
    mockCheckJob();
    github.on("PATCH", repoPath("/issues/comments/6001"), 200, {});
    h.runner.script.analyzeFailure = () => RCA;
    h.runner.script.fixFailure = (input) => {
      const fixed = commitOnBranch(input.repoDir, headSha, input.task.branchName as string, {
        "src/calc.js": "export const add = (a, b) => a + b;\n",
      });
      return runResult({ outcome: "fixed", baseSha: headSha, branch: input.task.branchName, headSha: fixed });
    };

    await h.deliver("check_run", checkRunFailed({ headSha, baseSha, headRef: branch }));
    await h.app.idle();
    github.assertDone();

    expect(h.runner.calls.fixFailure[0]?.rca).toEqual(RCA);
    const tip = remote.branchSha(branch) as string;
    expect(tip).not.toBe(headSha);
    expect(git(remote.url, "rev-parse", `${tip}~1`)).toBe(headSha);
    expect(remote.show(tip, "src/calc.js")).toBe("export const add = (a, b) => a + b;");
    const updated = (github.find("PATCH", repoPath("/issues/comments/6001"))[0]?.body as { body: string } | undefined)
      ?.body;
    expect(updated).toContain(`Pushed ${tip.slice(0, 7)} to \`${branch}\``);
    expect(await h.store.increment(`fix-attempts:acme/widgets:${branch}`, 0)).toBe(1);
  });
});
