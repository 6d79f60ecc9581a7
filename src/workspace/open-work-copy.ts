import { chmod, mkdir, mkdtemp, realpath, rm, stat, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { GitError, UsageError } from "../core/errors.js";
import { type GitLocation, gitOutput, runGit, uploadPackTrusting } from "./run-git.js";
import { createWorkTreeVolume, type WorkTreeVolume } from "./work-tree-volume.js";

/** Ref in the work copy that keeps the base commit reachable. */
export const BASE_REF = "refs/tanuki/base";

/**
 * Paths never part of a change, whatever the repository's `.gitignore` says: Tanuki's own result files, and the
 * environment folders the environment phase installs into (virtual environments, package caches).
 */
export const WORK_COPY_EXCLUDES = [".tanuki/", ".tanuki-env/", ".venv/", "node_modules/", "__pycache__/", "*.pyc"];

/** A work copy made by {@link openWorkCopy}. */
export interface WorkCopy {
  /** Absolute, symlink-resolved path of the work tree (what the sandbox mounts). */
  dir: string;
  /** The work copy's git directory: beside the tree, never inside it, never mounted into a sandbox. */
  gitDir: string;
  /** Private folder (mode 0700) holding both; removed on dispose. */
  root: string;
  /** Full SHA of the base commit, checked out detached. */
  baseSha: string;
  /** Absolute, symlink-resolved path of the user's repository. */
  repoPath: string;
  /** True when another user owns the user's repository (git is told to accept exactly that path). */
  repoOwnedByOther: boolean;
  /** The file system the tree lives on (size quota) and how to release it. */
  volume: WorkTreeVolume;
}

/** Options for {@link openWorkCopy}. */
export interface OpenWorkCopyOptions {
  /** Commit-ish to start from; default HEAD. */
  baseSha?: string;
  /** Folder under which the work copy's private folder is created (created, mode 0700, if missing). */
  workRoot: string;
  /** Disk quota of the work tree, bytes; see {@link createWorkTreeVolume}. Default: none. */
  diskBytes?: number;
}

/**
 * Clone the user's repository into a fresh private folder under `workRoot`, detached at the base commit:
 *
 * ```
 * workRoot/tanuki-work-XXXXXX/   mode 0700, owned by Tanuki's user
 *   git/                         the git directory (objects, refs, config, index): host only
 *   tree/                        the work tree: the only thing a sandbox mounts
 * ```
 *
 * The tree holds no `.git`: every git command Tanuki runs on it names the git directory explicitly (see runGit),
 * so nothing the sandbox writes into the tree (a planted `.git`, its config or hooks) is ever read as a repository.
 * The clone copies object files (`--no-hardlinks`), so nothing done to the work copy reaches the user's
 * repository; it copies committed state only (the user's uncommitted changes stay untouched).
 *
 * @param repoPath  absolute path of the root of the user's repository (a working tree's top folder, or a bare repo)
 * @throws UsageError when `repoPath` is not absolute, not a folder, not a git repository or not its root folder,
 *   when the repository has no commits, or when `baseSha` names no commit in it
 * @throws GitError when cloning or configuring the work copy fails
 */
export async function openWorkCopy(repoPath: string, options: OpenWorkCopyOptions): Promise<WorkCopy> {
  const user = await validateRepository(repoPath);
  const repo = user.repo;
  const base = await resolveBase(user, options.baseSha ?? "HEAD");

  await mkdir(options.workRoot, { recursive: true, mode: 0o700 });
  const root = await realpath(await mkdtemp(join(options.workRoot, "tanuki-work-")));
  await chmod(root, 0o700);
  const gitDir = join(root, "git");
  let volume: WorkTreeVolume | undefined;
  try {
    volume = await createWorkTreeVolume(join(root, "tree"), { diskBytes: options.diskBytes });
    const dir = volume.path;
    const trust = user.ownedByOther ? [uploadPackTrusting(repo)] : [];
    await runGit(
      { repo: options.workRoot },
      ["clone", "--quiet", "--bare", "--no-hardlinks", ...trust, "--", repo, gitDir],
      { protocols: ["file"], ...(user.ownedByOther ? { trustRepos: [repo] } : {}) },
    );
    const where = { gitDir, workTree: dir };
    await runGit({ gitDir }, ["config", "core.bare", "false"]);
    await runGit({ gitDir }, ["config", "--unset-all", "remote.origin.fetch"], { okExitCodes: [5] });
    await runGit({ gitDir }, ["remote", "remove", "origin"]);
    await runGit(where, ["checkout", "--quiet", "--detach", "--force", base]);
    await runGit({ gitDir }, ["update-ref", BASE_REF, base]);
    await mkdir(join(gitDir, "info"), { recursive: true });
    await writeFile(join(gitDir, "info", "exclude"), `${WORK_COPY_EXCLUDES.join("\n")}\n`);
    return { dir, gitDir, root, baseSha: base, repoPath: repo, repoOwnedByOther: user.ownedByOther === true, volume };
  } catch (error) {
    await volume?.release().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Checks, without copying anything, that {@link openWorkCopy} could work on `repoPath` from its HEAD: an absolute
 * path to the root folder of a git repository git accepts, with at least one commit. For entry points that accept a
 * repository long before a run starts (an editor's session).
 *
 * @throws UsageError saying what is wrong and how to fix it
 */
export async function checkRepository(repoPath: string): Promise<void> {
  await resolveBase(await validateRepository(repoPath), "HEAD");
}

/**
 * The repository's real path, after checking it is the root of a git repository, and whether another user owns
 * it (git then needs `safe.directory` for exactly that path).
 */
async function validateRepository(repoPath: string): Promise<{ repo: string; ownedByOther?: boolean }> {
  if (!isAbsolute(repoPath)) throw new UsageError(`Repository path must be absolute: ${repoPath}`);
  const isDir = await stat(repoPath).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new UsageError(`Repository path ${repoPath} does not exist or is not a folder`);
  const real = await realpath(repoPath);
  let where: { repo: string; ownedByOther?: boolean } = { repo: real };
  let bare: string;
  try {
    bare = await gitOutput(where, ["rev-parse", "--is-bare-repository"]).catch((error: unknown) => {
      if (!(error instanceof GitError) || !/dubious ownership/.test(error.message)) throw error;
      where = { repo: real, ownedByOther: true };
      return gitOutput(where, ["rev-parse", "--is-bare-repository"]);
    });
  } catch (error) {
    throw new UsageError(
      `${repoPath} is not a git repository, or one git refuses to use (run \`git init\` there, pass the repository's folder, or check that it belongs to the user running Tanuki)`,
      { cause: error },
    );
  }
  if (bare === "true") return where;
  const top = await realpath(await gitOutput(where, ["rev-parse", "--show-toplevel"]));
  if (top !== real) {
    throw new UsageError(`${repoPath} is a folder inside the git repository ${top}; pass the repository's root folder`);
  }
  return where;
}

/** Full SHA of the base commit. */
async function resolveBase(user: GitLocation & { repo: string }, rev: string): Promise<string> {
  const repo = user.repo;
  if (rev.startsWith("-") || rev.trim() === "") throw new UsageError(`Invalid base commit "${rev}"`);
  const result = await runGit(user, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], {
    okExitCodes: [1, 128],
  });
  if (result.exitCode === 0) return result.stdout.trim();
  if (rev === "HEAD") {
    throw new UsageError(
      `The repository ${repo} has no commits yet; commit something first (Tanuki works from a commit)`,
    );
  }
  throw new UsageError(`Base commit ${rev} does not exist in ${repo}`);
}
