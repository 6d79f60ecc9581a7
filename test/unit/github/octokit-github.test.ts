import { ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitHubError } from "../../../src/github/github-error.js";
import { OctokitGitHub } from "../../../src/github/octokit-github.js";
import { GitHubMock } from "../../helpers/app-github-mock.js";
import { repoPath } from "../../helpers/app-intake-mocks.js";

describe("OctokitGitHub: answers GitHub gives for expected outcomes", () => {
  let github: GitHubMock;
  let port: OctokitGitHub;

  beforeEach(() => {
    github = new GitHubMock();
    const Octokit = ProbotOctokit.defaults((o: object) => ({
      ...o,
      retry: { enabled: false },
      throttle: { enabled: false },
    }));
    port = new OctokitGitHub(new Octokit({ auth: { token: "ghs_test" } }), "acme", "widgets");
  });
  afterEach(() => github.dispose());

  it("reads a 404 for a collaborator as no permission, and a known role otherwise", async () => {
    github
      .on("GET", repoPath("/collaborators/eve/permission"), 404, { message: "Not Found" })
      .on("GET", repoPath("/collaborators/alice/permission"), 200, { permission: "write", role_name: "maintain" });
    expect(await port.getPermission("eve")).toBe("none");
    expect(await port.getPermission("alice")).toBe("maintain");
    github.assertDone();
  });

  it("reads a 404 for a file as absent", async () => {
    github.on("GET", /\/contents\/missing\.yml\?ref=abc$/, 404, { message: "Not Found" });
    expect(await port.getFile("missing.yml", "abc")).toBeUndefined();
    github.assertDone();
  });

  it("treats a 409 on cancelling a run as already finished", async () => {
    github.on("POST", repoPath("/actions/runs/42/cancel"), 409, {
      message: "Cannot cancel a workflow run that is completed.",
    });
    await expect(port.cancelWorkflowRun(42)).resolves.toBeUndefined();
    github.assertDone();
  });

  it("wraps any other failure once, as a GitHubError with the status and the operation", async () => {
    github
      .on("GET", repoPath("/collaborators/bob/permission"), 403, { message: "Forbidden" })
      .on("GET", /\/contents\/secret\.yml\?ref=abc$/, 403, { message: "Forbidden" })
      .on("POST", repoPath("/actions/runs/43/cancel"), 404, { message: "Not Found" });
    const permission = await port.getPermission("bob").catch((err: unknown) => err);
    expect(permission).toBeInstanceOf(GitHubError);
    expect(permission).toMatchObject({ status: 403, operation: "GET collaborator permission" });
    await expect(port.getFile("secret.yml", "abc")).rejects.toMatchObject({ status: 403, operation: "GET contents" });
    await expect(port.cancelWorkflowRun(43)).rejects.toMatchObject({
      status: 404,
      operation: "POST cancel workflow run",
    });
    github.assertDone();
  });
});
