import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppFixture, startAppFixture } from "../../helpers/app-fixture.js";
import type { BareRemote } from "../../helpers/app-git.js";
import type { GitHubMock } from "../../helpers/app-github-mock.js";
import type { AppHarness } from "../../helpers/app-harness.js";
import { configPath, repoPath } from "../../helpers/app-intake-mocks.js";
import { pullRequestEvent } from "../../helpers/app-payloads.js";
import { untilAborted } from "../../helpers/app-scripted-runner.js";

const CALC = ["export function div(a, b) {", "  return a / b;", "}", "", "export const two = 2;", ""].join("\n");

interface PostedReview {
  commit_id: string;
  event: string;
  body: string;
  comments: { path: string; line: number; side: string; body: string }[];
}

describe("automatic pull request review", () => {
  let fixture: AppFixture;
  let remote: BareRemote;
  let github: GitHubMock;
  let h: AppHarness;
  let baseSha: string;
  let headSha: string;

  beforeEach(async () => {
    fixture = await startAppFixture({ "src/calc.js": CALC });
    ({ remote, github, h, baseSha } = fixture);
    headSha = remote.commit(
      { "src/calc.js": CALC.replace("return a / b;", "return b === 0 ? 0 : a / b;") },
      "guard",
      "feature",
    );
  });
  afterEach(() => fixture.close());

  function mockReviewIntake(checkRunIds: number[]) {
    let next = 0;
    github
      .on("GET", configPath(baseSha), 404, {}, checkRunIds.length)
      .on(
        "GET",
        repoPath("/collaborators/alice/permission"),
        200,
        { permission: "write", role_name: "write" },
        checkRunIds.length,
      )
      .on(
        "POST",
        repoPath("/check-runs"),
        201,
        () => {
          const id = checkRunIds[next++];
          return { id, html_url: `https://github.com/acme/widgets/runs/${id}` };
        },
        checkRunIds.length,
      );
    for (const id of checkRunIds) github.on("PATCH", repoPath(`/check-runs/${id}`), 200, { id });
  }

  it("posts ONE review with inline comments, a suggestion block, and the rest in the body", async () => {
    github.token();
    mockReviewIntake([9001]);
    github.on("POST", repoPath("/pulls/12/reviews"), 200, {
      id: 1,
      html_url: "https://github.com/acme/widgets/pull/12#pullrequestreview-1",
    });
    h.runner.script.review = () => ({
      summary: "Division by zero now returns 0, which hides errors.",
      findings: [
        {
          file: "src/calc.js",
          line: 2,
          severity: "major",
          explanation: "Returning 0 hides a division by zero.",
          suggestion: '  if (b === 0) throw new RangeError("b is 0");\n  return a / b;',
        },
        { file: "src/other.js", line: 40, severity: "nit", explanation: "Unrelated naming." },
      ],
      tests: {
        command: "npm test",
        exitCode: 0,
        passed: 4,
        failed: 0,
        durationMs: 900,
        timedOut: false,
        outputTail: "",
      },
    });

    const res = await h.deliver("pull_request", pullRequestEvent({ action: "opened", headSha, baseSha }));
    expect(res.status).toBe(200);
    await h.app.idle();
    github.assertDone();

    const [input] = h.runner.calls.review;
    expect(input).toMatchObject({ baseSha, headSha });
    expect(input?.diff).toContain("+  return b === 0 ? 0 : a / b;");
    const review = github.find("POST", repoPath("/pulls/12/reviews"))[0]?.body as PostedReview;
    expect(review.commit_id).toBe(headSha);
    expect(review.event).toBe("COMMENT");
    expect(review.comments).toHaveLength(1);
    expect(review.comments[0]).toMatchObject({ path: "src/calc.js", line: 2, side: "RIGHT" });
    expect(review.comments[0]?.body).toContain(
      '```suggestion\n  if (b === 0) throw new RangeError("b is 0");\n  return a / b;\n```',
    );
    expect(review.body).toContain("`src/other.js:40` **nit**: Unrelated naming.");
    expect(review.body).toContain("Tests (`npm test`): passed (4 passed, 0 failed)");
    expect(review.body).toMatch(
      /<!-- tanuki-review \{"sha":"[0-9a-f]{40}","fingerprints":\["[0-9a-f]{16}","[0-9a-f]{16}"\]\} -->/,
    );
    const check = github.find("PATCH", repoPath("/check-runs/9001")).at(-1)?.body as {
      conclusion: string;
      output: { annotations: { path: string; annotation_level: string }[] };
    };
    expect(check.conclusion).toBe("success");
    expect(check.output.annotations.map((a) => [a.path, a.annotation_level])).toEqual([
      ["src/calc.js", "failure"],
      ["src/other.js", "notice"],
    ]);
  });

  it("on synchronize reviews only the new commits and never repeats a finding", async () => {
    github.token();
    mockReviewIntake([9001, 9002]);
    github.on("POST", repoPath("/pulls/12/reviews"), 200, { id: 1, html_url: "u1" }, 2);
    const old = {
      file: "src/calc.js",
      line: 2,
      severity: "major" as const,
      explanation: "Returning 0 hides a division by zero.",
    };
    h.runner.script.review = () => ({ summary: "first", findings: [old] });
    await h.deliver("pull_request", pullRequestEvent({ action: "opened", headSha, baseSha }));
    await h.app.idle();

    const head2 = remote.commit(
      { "src/calc.js": `${CALC.replace("return a / b;", "return b === 0 ? 0 : a / b;")}export const three = 3;\n` },
      "three",
      "feature",
    );
    h.runner.script.review = () => ({
      summary: "second",
      findings: [
        { ...old, line: 2 },
        { file: "src/calc.js", line: 6, severity: "minor", explanation: "`three` is unused." },
      ],
    });
    await h.deliver("pull_request", pullRequestEvent({ action: "synchronize", headSha: head2, baseSha }));
    await h.app.idle();
    github.assertDone();

    const second = h.runner.calls.review[1];
    expect(second?.baseSha).toBe(headSha);
    expect(second?.diff).toContain("+export const three = 3;");
    expect(second?.diff).not.toContain("b === 0 ? 0");
    const reviews = github.find("POST", repoPath("/pulls/12/reviews")).map((c) => c.body as PostedReview);
    expect(reviews[1]?.comments.map((c) => c.line)).toEqual([6]);
    expect(reviews[1]?.body).toContain("1 finding(s) already reported earlier are not repeated.");
    expect(reviews[1]?.commit_id).toBe(head2);
  });

  it("cancels a review still running for an older SHA when a newer push arrives", async () => {
    github.token();
    mockReviewIntake([9001, 9002]);
    github.on("POST", repoPath("/pulls/12/reviews"), 200, { id: 2, html_url: "u2" });
    h.runner.script.review = async (input) => {
      if (input.headSha === headSha) {
        await untilAborted(input.signal);
        throw input.signal.reason;
      }
      return { summary: "ok", findings: [] };
    };
    const firstStarted = h.runner.next("review");
    await h.deliver("pull_request", pullRequestEvent({ action: "opened", headSha, baseSha }));
    await firstStarted;
    const head2 = remote.commit({ "src/calc.js": `${CALC}// newer\n` }, "newer", "feature");
    await h.deliver("pull_request", pullRequestEvent({ action: "synchronize", headSha: head2, baseSha }));
    await h.app.idle();
    github.assertDone();

    const first = github.find("PATCH", repoPath("/check-runs/9001")).at(-1)?.body as {
      conclusion: string;
      output: { summary: string };
    };
    expect(first.conclusion).toBe("cancelled");
    expect(first.output.summary).toContain(`superseded by newer commit ${head2.slice(0, 7)}`);
    const second = github.find("PATCH", repoPath("/check-runs/9002")).at(-1)?.body as { conclusion: string };
    expect(second.conclusion).toBe("success");
    expect((github.find("POST", repoPath("/pulls/12/reviews"))[0]?.body as PostedReview | undefined)?.commit_id).toBe(
      head2,
    );
  });

  it("skips draft pull requests by default", async () => {
    github.token().on("GET", configPath(baseSha), 404, {});
    await h.deliver("pull_request", pullRequestEvent({ action: "opened", headSha, baseSha, draft: true }));
    await h.app.idle();
    github.assertDone();
    expect(h.runner.calls.review).toHaveLength(0);
  });
});
