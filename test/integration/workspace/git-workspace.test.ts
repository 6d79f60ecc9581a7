import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GitError, PathPolicyError, UsageError } from "../../../src/core/errors.js";
import { type GitWorkspace, GitWorkspaceProvider } from "../../../src/workspace/git-workspace.js";
import type { PathPolicy, Workspace } from "../../../src/workspace/workspace.js";

const policy: PathPolicy = { allowWorkflows: false, allow: [], deny: [] };
const provider = new GitWorkspaceProvider();

/** git in `cwd` with a fixed identity given on the command line (the user's global config is not relied on). */
function git(cwd: string, ...args: string[]): string {
  const config = [
    "-c",
    "user.name=User",
    "-c",
    "user.email=user@example.com",
    "-c",
    "safe.directory=*",
    "-c",
    "commit.gpgsign=false",
  ];
  return execFileSync("git", [...config, ...args], {
    cwd,
    encoding: "utf8",
  }).trim();
}

/** git on a work copy: its git directory is outside the tree, so it is always named. */
function wsGit(ws: Workspace, ...args: string[]): string {
  const gitDir = (ws as GitWorkspace).gitDir;
  return git(ws.dir, `--git-dir=${gitDir}`, `--work-tree=${ws.dir}`, ...args);
}

let temp: string;
let workRoot: string;

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "tanuki-git-ws-"));
  workRoot = join(temp, "work");
});
afterAll(async () => {
  await rm(temp, { recursive: true, force: true });
});

let counter = 0;
/** A repository with two commits on `main`; returns its path and both SHAs. */
async function makeRepo(): Promise<{ repo: string; first: string; second: string }> {
  counter += 1;
  const repo = join(temp, `repo-${counter}`);
  await mkdir(join(repo, "src"), { recursive: true });
  git(repo, "init", "-q", "-b", "main");
  await writeFile(join(repo, ".gitignore"), "node_modules/\n*.log\n");
  await writeFile(join(repo, "src", "app.js"), "export const version = 1;\n");
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "first");
  const first = git(repo, "rev-parse", "HEAD");
  await writeFile(join(repo, "src", "app.js"), "export const version = 2;\n");
  await writeFile(join(repo, "README.md"), "# demo\n");
  git(repo, "add", ".");
  git(repo, "commit", "-q", "-m", "second");
  return { repo, first, second: git(repo, "rev-parse", "HEAD") };
}

/** Everything about the user's repository that Tanuki must not change (other than adding tanuki/ branches). */
function userState(repo: string) {
  return {
    head: git(repo, "rev-parse", "HEAD"),
    branch: git(repo, "symbolic-ref", "--short", "HEAD"),
    status: git(repo, "status", "--porcelain=v1", "--untracked-files=all"),
    staged: git(repo, "diff", "--no-ext-diff", "--cached"),
    unstaged: git(repo, "diff", "--no-ext-diff"),
    config: git(repo, "config", "--local", "--list"),
    fetchHead: existsSync(join(repo, ".git", "FETCH_HEAD")),
  };
}

describe("GitWorkspaceProvider.open", () => {
  it("clones at HEAD, detached, with Tanuki's identity set in the work copy only", async () => {
    const { repo, second } = await makeRepo();
    const ws = await provider.open(repo, { workRoot });
    try {
      expect(ws.baseSha).toBe(second);
      expect(dirname(dirname(ws.dir))).toBe(await realpath(workRoot));
      expect(wsGit(ws, "rev-parse", "HEAD")).toBe(second);
      expect(() => wsGit(ws, "symbolic-ref", "-q", "HEAD")).toThrow();
      expect(await ws.readFile("src/app.js")).toBe("export const version = 2;\n");
      // The git directory lies beside the tree, never in it: nothing in the tree is read as a repository.
      expect(existsSync(join(ws.dir, ".git"))).toBe(false);
      expect((ws as GitWorkspace).gitDir.startsWith(`${ws.dir}/`)).toBe(false);
      expect(git(repo, "config", "--local", "--list")).not.toContain("tanuki");
      expect(await ws.listFiles()).toEqual([".gitignore", "README.md", "src/app.js"]);
    } finally {
      await ws.dispose();
    }
  });

  it("clones at an older commit given by abbreviated SHA", async () => {
    const { repo, first } = await makeRepo();
    const ws = await provider.open(repo, { baseSha: first.slice(0, 8), workRoot });
    try {
      expect(ws.baseSha).toBe(first);
      expect(await ws.readFile("src/app.js")).toBe("export const version = 1;\n");
      expect(await ws.readFile("README.md")).toBeUndefined();
      expect(await ws.diff()).toBe("");
    } finally {
      await ws.dispose();
    }
  });

  it("rejects a folder that is not a git repository, a subfolder, an empty repository and an unknown commit", async () => {
    const plain = join(temp, "plain");
    await mkdir(plain, { recursive: true });
    await expect(provider.open(plain, { workRoot })).rejects.toThrow(/not a git repository/);
    await expect(provider.open(plain, { workRoot })).rejects.toBeInstanceOf(UsageError);
    await expect(provider.open(join(temp, "missing"), { workRoot })).rejects.toBeInstanceOf(UsageError);

    const { repo } = await makeRepo();
    await expect(provider.open(join(repo, "src"), { workRoot })).rejects.toThrow(/inside the git repository/);
    await expect(provider.open(repo, { baseSha: "0123456789abcdef", workRoot })).rejects.toThrow(/does not exist/);

    const empty = join(temp, "empty");
    await mkdir(empty, { recursive: true });
    git(empty, "init", "-q");
    await expect(provider.open(empty, { workRoot })).rejects.toThrow(/no commits/);
  });
});

describe("GitWorkspace", () => {
  let repo: string;
  let base: string;
  let ws: Workspace;

  beforeEach(async () => {
    ({ repo, second: base } = await makeRepo());
    ws = await provider.open(repo, { workRoot });
    return () => ws.dispose();
  });

  it("diff and changedFiles include new untracked files and exclude ignored ones", async () => {
    const report = await ws.applyEdits(
      [
        { kind: "search-replace", path: "src/app.js", search: "version = 2", replace: "version = 3" },
        { kind: "write-file", path: "src/new-file.js", content: "export const added = true;\n" },
      ],
      policy,
    );
    expect(report.changedPaths).toEqual(["src/app.js", "src/new-file.js"]);
    await mkdir(join(ws.dir, "node_modules", "dep"), { recursive: true });
    await writeFile(join(ws.dir, "node_modules", "dep", "index.js"), "ignored");
    await writeFile(join(ws.dir, "debug.log"), "ignored");

    const diff = await ws.diff();
    expect(diff).toContain("+++ b/src/new-file.js");
    expect(diff).toContain("+export const added = true;");
    expect(diff).toContain("-export const version = 2;\n+export const version = 3;");
    expect(diff).not.toContain("node_modules");
    expect(diff).not.toContain("debug.log");
    expect(await ws.changedFiles()).toEqual(["src/app.js", "src/new-file.js"]);
    expect(await ws.listFiles()).toEqual([".gitignore", "README.md", "src/app.js", "src/new-file.js"]);
  });

  it("snapshot and restore: restore removes new files, keeps ignored ones, and returns to a snapshot", async () => {
    await ws.applyEdits([{ kind: "write-file", path: "src/one.js", content: "1\n" }], policy);
    const snap = await ws.snapshot("step 1");
    expect(wsGit(ws, "rev-parse", "refs/tanuki/snapshots/1")).toBe(snap);
    expect(wsGit(ws, "rev-parse", `${snap}^`)).toBe(base);

    await ws.applyEdits([{ kind: "write-file", path: "src/two.js", content: "2\n" }], policy);
    await rm(join(ws.dir, "README.md"));
    await mkdir(join(ws.dir, "node_modules"), { recursive: true });
    await writeFile(join(ws.dir, "node_modules", "kept.js"), "installed");

    await ws.restore(base);
    expect(await ws.changedFiles()).toEqual([]);
    expect(existsSync(join(ws.dir, "src", "one.js"))).toBe(false);
    expect(existsSync(join(ws.dir, "src", "two.js"))).toBe(false);
    expect(await ws.readFile("README.md")).toBe("# demo\n");
    expect(await readFile(join(ws.dir, "node_modules", "kept.js"), "utf8")).toBe("installed");

    await ws.restore(snap);
    expect(await ws.readFile("src/one.js")).toBe("1\n");
    expect(await ws.readFile("src/two.js")).toBeUndefined();
    expect(await ws.changedFiles()).toEqual(["src/one.js"]);
    await expect(ws.restore("f".repeat(40))).rejects.toBeInstanceOf(GitError);
  });

  it("a full cycle leaves the user's branch, index, working tree and uncommitted changes untouched", async () => {
    git(repo, "checkout", "-q", "-b", "feature");
    await writeFile(join(repo, "src", "app.js"), "export const version = 'user edit';\n");
    await writeFile(join(repo, "notes.txt"), "user's untracked file\n");
    await writeFile(join(repo, "README.md"), "# staged by user\n");
    git(repo, "add", "README.md");
    const before = userState(repo);

    await ws.applyEdits([{ kind: "write-file", path: "src/fix.js", content: "fixed\n" }], policy);
    const snap = await ws.snapshot("fix");
    await ws.restore(base);
    await ws.restore(snap);
    const published = await ws.publishBranch(snap, "tanuki/fix-1", "Fix things");

    expect(userState(repo)).toEqual(before);
    expect(await readFile(join(repo, "src", "app.js"), "utf8")).toBe("export const version = 'user edit';\n");
    expect(existsSync(join(repo, "src", "fix.js"))).toBe(false);
    expect(git(repo, "rev-parse", "refs/heads/tanuki/fix-1")).toBe(published.headSha);
  });

  it("publishBranch makes exactly one commit: the snapshot's tree on top of the base", async () => {
    await ws.applyEdits([{ kind: "write-file", path: "a.txt", content: "a\n" }], policy);
    await ws.snapshot("intermediate");
    await ws.applyEdits([{ kind: "write-file", path: "b.txt", content: "b\n" }], policy);
    const snap = await ws.snapshot("final");

    const result = await ws.publishBranch(snap, "tanuki/issue-7", "Fix #7\n\nDetails.");
    expect(result.branch).toBe("tanuki/issue-7");
    expect(git(repo, "rev-list", "--count", `${base}..tanuki/issue-7`)).toBe("1");
    expect(git(repo, "log", "-1", "--format=%P", "tanuki/issue-7")).toBe(base);
    expect(git(repo, "rev-parse", "tanuki/issue-7^{tree}")).toBe(wsGit(ws, "rev-parse", `${snap}^{tree}`));
    expect(git(repo, "log", "-1", "--format=%an <%ae>%n%B", "tanuki/issue-7")).toBe(
      "Tanuki <tanuki@users.noreply.github.com>\nFix #7\n\nDetails.",
    );
    expect(git(repo, "ls-tree", "-r", "--name-only", "tanuki/issue-7").split("\n")).toEqual([
      ".gitignore",
      "README.md",
      "a.txt",
      "b.txt",
      "src/app.js",
    ]);
    // Publishing the same snapshot again finds the branch already right.
    expect(await ws.publishBranch(snap, "tanuki/issue-7", "Fix #7")).toEqual(result);
  });

  it("publishBranch refuses an existing branch pointing elsewhere and names outside tanuki/", async () => {
    await ws.applyEdits([{ kind: "write-file", path: "a.txt", content: "a\n" }], policy);
    const snap = await ws.snapshot("change");
    git(repo, "branch", "tanuki/taken", base);
    await expect(ws.publishBranch(snap, "tanuki/taken", "x")).rejects.toThrow(/already exists/);
    expect(git(repo, "rev-parse", "tanuki/taken")).toBe(base);
    await expect(ws.publishBranch(snap, "main", "x")).rejects.toBeInstanceOf(GitError);
    await expect(ws.publishBranch(snap, "tanuki/bad..name", "x")).rejects.toThrow(/not a valid/);
    expect(git(repo, "branch", "--list", "main", "--format=%(objectname)")).toBe(base);
  });

  it("readFile refuses paths outside the repository and inside .git", async () => {
    await expect(ws.readFile("../outside.txt")).rejects.toBeInstanceOf(PathPolicyError);
    await expect(ws.readFile(".git/config")).rejects.toBeInstanceOf(PathPolicyError);
    expect(await ws.readFile("missing.txt")).toBeUndefined();
  });

  it("dispose removes the work copy and is idempotent", async () => {
    await ws.dispose();
    expect(existsSync(ws.dir)).toBe(false);
    await ws.dispose();
    await expect(ws.diff()).rejects.toBeInstanceOf(UsageError);
  });

  it.runIf(process.getuid?.() === 0)("works when the sandbox has chowned the work copy to another user", async () => {
    const chownTree = (path: string) => execFileSync("chown", ["-R", "1000:1000", path]);
    chownTree(ws.dir);
    await writeFile(join(ws.dir, "from-sandbox.txt"), "x\n");
    await chown(join(ws.dir, "from-sandbox.txt"), 1000, 1000);
    expect(await ws.changedFiles()).toEqual(["from-sandbox.txt"]);
    const snap = await ws.snapshot("sandbox");
    await ws.restore(base);
    const published = await ws.publishBranch(snap, "tanuki/chowned", "x");
    expect(git(repo, "rev-parse", `${published.headSha}^{tree}`)).toBe(wsGit(ws, "rev-parse", `${snap}^{tree}`));
  });
});

describe.runIf(process.getuid?.() === 0)("GitWorkspace on a repository owned by another user", () => {
  it("clones and publishes (as in CI containers running as root on a runner's checkout)", async () => {
    const { repo, second } = await makeRepo();
    const spaced = join(temp, "user's repo");
    execFileSync("mv", [repo, spaced]);
    execFileSync("chown", ["-R", "1000:1000", spaced]);
    const ws = await provider.open(spaced, { workRoot: join(temp, "work root") });
    try {
      await ws.applyEdits([{ kind: "write-file", path: "c.txt", content: "c\n" }], policy);
      const { headSha } = await ws.publishBranch(await ws.snapshot("c"), "tanuki/owned", "c");
      expect(git(spaced, "log", "-1", "--format=%P", headSha)).toBe(second);
    } finally {
      await ws.dispose();
    }
  });
});

describe("GitWorkspace on a shallow clone (as made by CI checkouts)", () => {
  it("opens and publishes", async () => {
    const { repo, second } = await makeRepo();
    const shallow = join(temp, "shallow");
    git(temp, "clone", "-q", "--depth", "1", `file://${repo}`, shallow);
    const ws = await provider.open(shallow, { workRoot });
    try {
      expect(ws.baseSha).toBe(second);
      await ws.applyEdits([{ kind: "write-file", path: "c.txt", content: "c\n" }], policy);
      const { headSha } = await ws.publishBranch(await ws.snapshot("c"), "tanuki/shallow", "c");
      expect(git(shallow, "log", "-1", "--format=%P", headSha)).toBe(second);
    } finally {
      await ws.dispose();
    }
  });
});
