import type { GitHubMock } from "./app-github-mock.js";
import { REPO } from "./app-payloads.js";

/** `/repos/acme/widgets` + path. */
export const repoPath = (path: string) => `/repos/${REPO.owner}/${REPO.repo}${path}`;

/** Matches `GET .../contents/.github/tanuki.yml?ref=<sha>` whatever Octokit's escaping of the path. */
export const configPath = (sha: string) =>
  new RegExp(`^/repos/${REPO.owner}/${REPO.repo}/contents/\\.github(%2F|/)tanuki\\.yml\\?ref=${sha}$`);

/** Expect the calls of a command's intake on an issue: token, eyes, permission, default-branch SHA, config. */
export function mockIssueIntake(
  github: GitHubMock,
  options: { sha: string; permission?: string; config?: string; commentId?: number },
): void {
  github
    .token()
    .on("POST", repoPath(`/issues/comments/${options.commentId ?? 1001}/reactions`), 201, { id: 1, content: "eyes" })
    .on("GET", repoPath(`/collaborators/alice/permission`), 200, {
      permission: options.permission === "maintain" ? "write" : (options.permission ?? "write"),
      role_name: options.permission ?? "write",
      user: { login: "alice" },
    })
    .on("GET", new RegExp(`^/repos/${REPO.owner}/${REPO.repo}/git/ref/heads(%2F|/)main$`), 200, {
      ref: "refs/heads/main",
      object: { sha: options.sha, type: "commit" },
    });
  if (options.config === undefined) github.on("GET", configPath(options.sha), 404, { message: "Not Found" });
  else github.on("GET", configPath(options.sha), 200, options.config);
}

/** Expect the check run and status comment created when a job is queued, and their final edits. */
export function mockJobReporting(
  github: GitHubMock,
  options: { number: number; checkRunId?: number; commentId?: number; statusComment?: boolean },
): void {
  const checkRunId = options.checkRunId ?? 9001;
  github
    .on("POST", repoPath("/check-runs"), 201, {
      id: checkRunId,
      html_url: `https://github.com/${REPO.owner}/${REPO.repo}/runs/${checkRunId}`,
    })
    .on("PATCH", repoPath(`/check-runs/${checkRunId}`), 200, { id: checkRunId });
  if (options.statusComment !== false) {
    const commentId = options.commentId ?? 5001;
    github
      .on("POST", repoPath(`/issues/${options.number}/comments`), 201, {
        id: commentId,
        html_url: `https://github.com/${REPO.owner}/${REPO.repo}/issues/${options.number}#issuecomment-${commentId}`,
      })
      .on("PATCH", repoPath(`/issues/comments/${commentId}`), 200, { id: commentId });
  }
}
