import { describe, expect, it } from "vitest";
import type { CheckRunUpdate, GitHubPort } from "../../../src/github/github-port.js";
import { reportJobEnd, writeJobReport } from "../../../src/jobs/lifecycle/job-report.js";

function recordingGitHub() {
  const comments: { id: number; body: string }[] = [];
  const checks: { id: number; update: CheckRunUpdate }[] = [];
  const github = {
    updateComment: async (id: number, body: string) => {
      comments.push({ id, body });
    },
    updateCheckRun: async (id: number, update: CheckRunUpdate) => {
      checks.push({ id, update });
    },
  } as unknown as GitHubPort;
  return { github, comments, checks };
}

describe("job report: the one writer of a job's status comment and check run", () => {
  const checkRunUrl = "https://github.com/acme/widgets/runs/77";

  it("writes the comment with the check run link and the check run summary without it, same links kept", async () => {
    const { github, comments, checks } = recordingGitHub();
    await writeJobReport(
      github,
      { statusCommentId: 5, checkRunId: 77 },
      {
        jobId: "j1",
        title: "Fix for #3",
        state: "succeeded",
        checkRunUrl,
        details: ["Opened https://github.com/acme/widgets/pull/9 (see https://evil.example/x)"],
      },
      { conclusion: "success", title: "Job succeeded: Fix for #3" },
      0,
    );
    expect(comments).toHaveLength(1);
    expect(comments[0]?.id).toBe(5);
    expect(comments[0]?.body).toContain(`[Check run](${checkRunUrl})`);
    expect(checks).toHaveLength(1);
    const summary = checks[0]?.update.summary ?? "";
    expect(checks[0]?.update).toMatchObject({ conclusion: "success", title: "Job succeeded: Fix for #3" });
    expect(summary).not.toContain("[Check run]");
    // The repository's own link stays a link in both renderings; a foreign host is inert in both.
    for (const text of [comments[0]?.body ?? "", summary]) {
      expect(text).toContain("https://github.com/acme/widgets/pull/9");
      expect(text).not.toMatch(/\]\(https:\/\/evil\.example/);
    }
    expect(summary).toBe(comments[0]?.body.replace(`[Check run](${checkRunUrl})\n\n`, ""));
  });

  it("ends a job this process does not run from its record, writing only the handles it has", async () => {
    const { github, comments, checks } = recordingGitHub();
    await reportJobEnd(
      github,
      { id: "j2", title: "Fix for #4", checkRunId: 12, checkRunUrl: undefined, statusCommentId: undefined },
      { state: "interrupted", detail: "Restarted.", conclusion: "cancelled", checkTitle: "Interrupted: Fix for #4" },
      0,
    );
    expect(comments).toHaveLength(0);
    expect(checks).toEqual([
      {
        id: 12,
        update: expect.objectContaining({ conclusion: "cancelled", title: "Interrupted: Fix for #4" }),
      },
    ]);
    expect(checks[0]?.update.summary).toContain("Restarted.");
  });
});
