import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GitError } from "../../../src/core/errors.js";
import { cloneAtSha, diffCommits, fetchCommits, isAncestor, pushBranch } from "../../../src/github/git-remote.js";
import { type BareRemote, createBareRemote, git } from "../../helpers/app-git.js";

describe("git-remote", () => {
  let remote: BareRemote;
  let dir: string;
  beforeEach(() => {
    remote = createBareRemote({ "a.txt": "one\n" });
    dir = mkdtempSync(join(tmpdir(), "tanuki-clone-"));
  });
  afterEach(() => {
    remote.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("clones at a pinned SHA that is no longer the branch tip, without recording the remote or the token", async () => {
    const pinned = remote.branchSha("main") as string;
    remote.commit({ "a.txt": "two\n" }, "later");
    await cloneAtSha({ remote: { url: remote.url, token: "ghs_secret" }, sha: pinned, dir: join(dir, "r") });
    expect(git(join(dir, "r"), "rev-parse", "HEAD")).toBe(pinned);
    expect(readFileSync(join(dir, "r", "a.txt"), "utf8")).toBe("one\n");
    const config = readFileSync(join(dir, "r", ".git", "config"), "utf8");
    expect(config).not.toMatch(/ghs_secret|extraheader|\[remote/);
  });

  it("pushes tanuki/ branches (fast-forward, or forced) and refuses any other branch", async () => {
    const base = remote.branchSha("main") as string;
    const repo = join(dir, "r");
    await cloneAtSha({ remote: { url: remote.url }, sha: base, dir: repo });
    git(repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "--quiet", "--allow-empty", "-m", "x");
    const head = git(repo, "rev-parse", "HEAD");
    await pushBranch({ remote: { url: remote.url, token: "t" }, repoDir: repo, sha: head, branch: "tanuki/issue-1-x" });
    expect(remote.branchSha("tanuki/issue-1-x")).toBe(head);
    await expect(
      pushBranch({ remote: { url: remote.url }, repoDir: repo, sha: base, branch: "tanuki/issue-1-x" }),
    ).rejects.toBeInstanceOf(GitError);
    await pushBranch({
      remote: { url: remote.url },
      repoDir: repo,
      sha: base,
      branch: "tanuki/issue-1-x",
      force: true,
    });
    expect(remote.branchSha("tanuki/issue-1-x")).toBe(base);
    for (const branch of ["main", "tanuki/../main", "feature/tanuki/x"]) {
      await expect(pushBranch({ remote: { url: remote.url }, repoDir: repo, sha: head, branch })).rejects.toThrow(
        /only to tanuki\//,
      );
    }
    expect(remote.branchSha("main")).toBe(base);
  });

  it("fetches further commits, skipping unknown ones, and diffs them", async () => {
    const base = remote.branchSha("main") as string;
    const head = remote.commit({ "a.txt": "changed\n" }, "c", "feature");
    const repo = join(dir, "r");
    await cloneAtSha({ remote: { url: remote.url }, sha: base, dir: repo });
    expect(await fetchCommits(repo, { url: remote.url }, [head, "f".repeat(40)])).toEqual([head]);
    expect(await isAncestor(repo, base, head)).toBe(true);
    expect(await isAncestor(repo, head, base)).toBe(false);
    expect(await diffCommits(repo, base, head)).toContain("+changed");
  });
});
