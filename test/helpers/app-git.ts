import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: "Test",
  GIT_AUTHOR_EMAIL: "test@example.com",
  GIT_COMMITTER_NAME: "Test",
  GIT_COMMITTER_EMAIL: "test@example.com",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_CONFIG_NOSYSTEM: "1",
};

/** Run git and return trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-C", cwd, ...args], {
    env: GIT_ENV,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/**
 * A real bare repository standing in for GitHub's remote, with a work clone to make commits from.
 * Serves commits by SHA like GitHub does (`uploadpack.allowReachableSHA1InWant`).
 */
export interface BareRemote {
  /** Path of the bare repository (the URL the app clones from and pushes to). */
  url: string;
  /** Commit `files` on `branch` (created from the current HEAD when new) and push it; returns the SHA. */
  commit(files: Record<string, string>, message?: string, branch?: string): string;
  /** SHA a branch points at in the bare repository, or undefined. */
  branchSha(branch: string): string | undefined;
  /** `git show <rev>:<path>` in the bare repository. */
  show(rev: string, path: string): string;
  dispose(): void;
}

/** Create a bare remote whose `main` holds `files`. */
export function createBareRemote(files: Record<string, string>): BareRemote {
  const root = mkdtempSync(join(tmpdir(), "tanuki-remote-"));
  const bare = join(root, "remote.git");
  const work = join(root, "work");
  execFileSync("git", ["init", "--quiet", "--bare", "--initial-branch=main", bare], { env: GIT_ENV });
  git(bare, "config", "uploadpack.allowReachableSHA1InWant", "true");
  execFileSync("git", ["init", "--quiet", "--initial-branch=main", work], { env: GIT_ENV });
  git(work, "remote", "add", "origin", bare);
  const remote: BareRemote = {
    url: bare,
    commit(changes, message = "change", branch = "main") {
      const current = git(work, "symbolic-ref", "--short", "HEAD");
      if (current !== branch) {
        const exists = git(work, "branch", "--list", branch) !== "";
        git(work, "checkout", "--quiet", ...(exists ? [branch] : ["-b", branch]));
      }
      for (const [path, content] of Object.entries(changes)) {
        mkdirSync(dirname(join(work, path)), { recursive: true });
        writeFileSync(join(work, path), content);
      }
      git(work, "add", "-A");
      git(work, "commit", "--quiet", "-m", message);
      git(work, "push", "--quiet", "origin", `${branch}:refs/heads/${branch}`);
      return git(work, "rev-parse", "HEAD");
    },
    branchSha(branch) {
      try {
        return git(bare, "rev-parse", "--verify", `refs/heads/${branch}`);
      } catch {
        return undefined;
      }
    },
    show(rev, path) {
      return git(bare, "show", `${rev}:${path}`);
    },
    dispose() {
      rmSync(root, { recursive: true, force: true });
    },
  };
  remote.commit(files, "initial");
  return remote;
}
