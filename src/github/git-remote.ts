import { mkdir } from "node:fs/promises";
import { GitError } from "../core/errors.js";
import { type GitProtocol, gitAuthEnv, runGit } from "../workspace/run-git.js";

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
  await runGit({ repo: dir }, ["init", "--quiet"], withSignal(signal));
  const wants = [sha, ...(options.alsoFetch ?? [])].filter((s, i, all) => all.indexOf(s) === i);
  await runGit({ repo: dir }, ["fetch", "--quiet", "--no-tags", "--", remote.url, ...wants], transfer(remote, signal));
  await runGit({ repo: dir }, ["checkout", "--quiet", "--detach", sha], withSignal(signal));
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
  await runGit(
    { repo: repoDir },
    ["push", "--quiet", "--no-verify", "--", remote.url, refspec],
    transfer(remote, signal),
  );
}

/**
 * Unified diff between two commits of a local clone (`git diff base head`), or of the merge base when
 * `mergeBase` is true (what a pull request shows).
 * @throws GitError when a commit is missing
 */
export async function diffCommits(repoDir: string, base: string, head: string, mergeBase = false): Promise<string> {
  const range = mergeBase ? [`${base}...${head}`] : [base, head];
  const result = await runGit({ repo: repoDir }, ["diff", "--no-color", "--no-ext-diff", "--no-textconv", ...range]);
  return result.stdout;
}

/** True when `ancestor` is an ancestor of (or equal to) `descendant` in the local clone. */
export async function isAncestor(repoDir: string, ancestor: string, descendant: string): Promise<boolean> {
  try {
    const result = await runGit({ repo: repoDir }, ["merge-base", "--is-ancestor", ancestor, descendant], {
      okExitCodes: [1],
    });
    return result.exitCode === 0;
  } catch {
    return false;
  }
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
      await runGit({ repo: dir }, ["fetch", "--quiet", "--no-tags", "--", remote.url, sha], transfer(remote, signal));
      fetched.push(sha);
    } catch (err) {
      if (signal?.aborted) throw err;
    }
  }
  return fetched;
}

/**
 * Options for a command that talks to `remote`: the transport its URL needs (https for GitHub; a local path or
 * file:// URL in tests and air-gapped setups) and the token as a per-command header (see gitAuthEnv).
 */
function transfer(remote: GitRemote, signal?: AbortSignal) {
  const protocols: GitProtocol[] = /^https:\/\//i.test(remote.url)
    ? ["https"]
    : /^http:\/\//i.test(remote.url)
      ? ["http"]
      : ["file"];
  return { protocols, env: gitAuthEnv(remote.token), ...withSignal(signal) };
}

function withSignal(signal?: AbortSignal): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}
