import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppFixture, startAppFixture } from "../../helpers/app-fixture.js";
import type { BareRemote } from "../../helpers/app-git.js";
import type { GitHubMock } from "../../helpers/app-github-mock.js";
import type { AppHarness } from "../../helpers/app-harness.js";
import { mockIssueIntake, mockJobReporting, repoPath } from "../../helpers/app-intake-mocks.js";
import { issueCommentCreated } from "../../helpers/app-payloads.js";
import { runResult } from "../../helpers/app-scripted-runner.js";
import { ManualScheduler } from "../../helpers/manual-scheduler.js";

const COMMAND = "npm ci";
const TAIL = [
  "npm error code E404",
  "npm error 404 Not Found - GET https://registry.npmjs.org/left-padd - Not found",
  "npm error 404  'left-padd@^1.3.0' is not in this registry.",
];

describe("/tanuki fix on a repository whose environment cannot be built", () => {
  let fixture: AppFixture;
  let remote: BareRemote;
  let github: GitHubMock;
  let h: AppHarness;
  let baseSha: string;
  const scheduler = new ManualScheduler(Date.now());

  beforeEach(async () => {
    fixture = await startAppFixture(
      { "package.json": '{"dependencies":{"left-padd":"^1.3.0"}}\n' },
      { statusIntervalMs: 5_000, scheduler },
    );
    ({ remote, github, h, baseSha } = fixture);
  });
  afterEach(() => fixture.close());

  it("streams the install log into the status comment, then ends with the failing command and its log tail", async () => {
    mockIssueIntake(github, { sha: baseSha });
    github.on("POST", repoPath("/issues/7/labels"), 200, []);
    mockJobReporting(github, { number: 7 });
    // One more status write while the install runs (the throttled live update), then the final one.
    github.on("PATCH", repoPath("/issues/comments/5001"), 200, { id: 5001 });
    github.on("PATCH", repoPath("/check-runs/9001"), 200, { id: 9001 });
    h.runner.script.fix = (input) => {
      input.onEvent({ type: "phase", phase: "environment", elapsedMs: 0 });
      input.onEvent({ type: "setup-output", command: COMMAND, tail: TAIL.slice(0, 1), elapsedMs: 1_000 });
      // The status comment's throttle lets a write through once its interval has passed.
      scheduler.advance(5_000);
      return runResult({
        outcome: "environment-error",
        baseSha,
        reason: "The environment could not be built: `npm ci` failed (command). Nothing was asked of the model.",
        environment: {
          status: "failed",
          source: "detected",
          commands: [COMMAND],
          cached: false,
          command: COMMAND,
          exitCode: 1,
          problem: "command",
          message: "The install command failed with exit code 1.",
          logTail: TAIL.join("\n"),
          durationMs: 4_000,
        },
      });
    };
    await h.deliver("issue_comment", issueCommentCreated({ body: "/tanuki fix" }));
    await h.app.idle();
    github.assertDone();

    const bodies = github
      .find("PATCH", repoPath("/issues/comments/5001"))
      .map((call) => (call.body as { body: string }).body);
    const live = bodies.find((body) => body.includes(TAIL[0] as string) && !body.includes(TAIL[2] as string));
    expect(live, bodies.join("\n---\n")).toContain(COMMAND);
    const final = bodies.at(-1) ?? "";
    expect(final).toContain("environment-error");
    expect(final).toContain(`Setup command: \`${COMMAND}\``);
    for (const line of TAIL) expect(final).toContain(line);
    expect(final).toContain("Nothing was asked of the model");
    expect(remote.branchSha("tanuki/issue-7-crash-when-the-widget-list-is-empty")).toBeUndefined();
    expect(github.find("POST", repoPath("/pulls"))).toEqual([]);
    const check = github.find("PATCH", repoPath("/check-runs/9001")).at(-1)?.body as { conclusion: string };
    expect(check.conclusion).toBe("failure");
  });
});
