import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { GitError } from "../core/errors.js";

/** Largest output a git command here may produce (bytes). */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** Where a repository lives and how to authenticate one git command against it. */
export interface GitRemote {
  /** Clone URL (`https://github.com/o/r.git`; a local path or `file://` URL in tests). Never holds credentials. */
  url: string;
  /**
   * Installation access token. Passed to the one git command that needs it as an `http.extraheader` through
   * git's `GIT_CONFIG_*` environment variables: never on the command line, never in `.git/config`, never logged.
   */
  token?: string;
}

/** Options for {@link cloneAtSha}. */
export interface CloneOptions {
  remote: GitRemote;
  /** Full SHA to check out (detached). Fetched directly, so it need not be a branch tip. */
  sha: string;
  /** Further commits to fetch (e.g. a pull request's base), so diffs against them work locally. */
  alsoFetch?: string[];
  /** Folder to create the clone in; must not exist or be empty. */
  dir: string;
  signal?: AbortSignal;
}

/**
 * Clone `remote` at a pinned commit into `dir` (init + fetch by SHA + detached checkout). The `origin` remote
 * is not recorded: the clone holds no URL with credentials and nothing that lets the sandbox reach back.
 *
 * GitHub serves any reachable commit by SHA; a self-hosted remote needs `uploadpack.allowReachableSHA1InWant`.
 * @throws GitError (token-free message) when git fails
 */
export async function cloneAtSha(options: CloneOptions): Promise<void> {
  const { remote, sha, dir, signal } = options;
  await mkdir(dir, { recursive: true });
  await git(dir, ["init", "--quiet"], {}, signal);
  const wants = [sha, ...(options.alsoFetch ?? [])].filter((s, i, all) => all.indexOf(s) === i);
  await git(dir, ["fetch", "--quiet", "--no-tags", remote.url, ...wants], authEnv(remote), signal);
  await git(dir, ["checkout", "--quiet", "--detach", sha], {}, signal);
}

/** Options for {@link pushBranch}. */
export interface PushOptions {
  remote: GitRemote;
  /** Local repository holding `sha`. */
  repoDir: string;
  /** Commit to push. */
  sha: string;
  /** Branch name on the remote; must start with `tanuki/`. */
  branch: string;
  /** Replace the branch even when the push is not a fast-forward (Tanuki's own branches only). Default false. */
  force?: boolean;
  signal?: AbortSignal;
}

/**
 * Push a commit to `refs/heads/<branch>` on the remote. Tanuki only ever pushes to `tanuki/...` branches.
 * @throws GitError when the branch is not a `tanuki/` branch, or when the push is rejected or fails
 */
export async function pushBranch(options: PushOptions): Promise<void> {
  const { remote, repoDir, sha, branch, signal } = options;
  if (!/^tanuki\/[A-Za-z0-9._/-]+$/.test(branch) || branch.includes("..")) {
    throw new GitError(`refusing to push to "${branch}": Tanuki pushes only to tanuki/... branches`, "git push");
  }
  const refspec = `${options.force ? "+" : ""}${sha}:refs/heads/${branch}`;
  await git(repoDir, ["push", "--quiet", "--no-verify", remote.url, refspec], authEnv(remote), signal);
}

/**
 * Unified diff between two commits of a local clone (`git diff base head`), or of the merge base when
 * `mergeBase` is true (what a pull request shows).
 * @throws GitError when a commit is missing
 */
export async function diffCommits(repoDir: string, base: string, head: string, mergeBase = false): Promise<string> {
  const range = mergeBase ? [`${base}...${head}`] : [base, head];
  return git(repoDir, ["diff", "--no-color", "--no-ext-diff", ...range], {});
}

/** True when `ancestor` is an ancestor of (or equal to) `descendant` in the local clone. */
export async function isAncestor(repoDir: string, ancestor: string, descendant: string): Promise<boolean> {
  try {
    await git(repoDir, ["merge-base", "--is-ancestor", ancestor, descendant], {});
    return true;
  } catch {
    return false;
  }
}

/** Environment that hands the token to one git command, as GitHub Actions' checkout does. */
function authEnv(remote: GitRemote): Record<string, string> {
  if (!remote.token) return {};
  const basic = Buffer.from(`x-access-token:${remote.token}`).toString("base64");
  return {
    GIT_CONFIG_COUNT: "1",
    GIT_CONFIG_KEY_0: "http.extraheader",
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

/**
 * Run git with a minimal environment (no inherited GIT_* variables, no prompts, no user config) and return
 * stdout. Error messages carry git's stderr, which never contains the header (git does not echo it).
 */
function git(cwd: string, args: string[], extraEnv: Record<string, string>, signal?: AbortSignal): Promise<string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: cwd,
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "tanuki[bot]",
    GIT_AUTHOR_EMAIL: "tanuki[bot]@users.noreply.github.com",
    GIT_COMMITTER_NAME: "tanuki[bot]",
    GIT_COMMITTER_EMAIL: "tanuki[bot]@users.noreply.github.com",
    ...extraEnv,
  };
  const command = `git ${args[0] ?? ""}`;
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      ["-c", "core.quotePath=false", "-c", "color.ui=false", "-C", cwd, ...args],
      { env, maxBuffer: MAX_OUTPUT_BYTES, encoding: "utf8", windowsHide: true, signal },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const detail = (stderr.trim() || error.message).slice(0, 2_000);
        reject(new GitError(`${command} failed: ${detail}`, `${command} (in ${cwd})`, { cause: error }));
      },
    );
  });
}

/**
 * Fetch further commits into an existing clone; commits the remote no longer has are skipped.
 * @returns the SHAs that could be fetched
 */
export async function fetchCommits(
  dir: string,
  remote: GitRemote,
  shas: string[],
  signal?: AbortSignal,
): Promise<string[]> {
  const fetched: string[] = [];
  for (const sha of shas) {
    try {
      await git(dir, ["fetch", "--quiet", "--no-tags", remote.url, sha], authEnv(remote), signal);
      fetched.push(sha);
    } catch (err) {
      if (signal?.aborted) throw err;
    }
  }
  return fetched;
}
