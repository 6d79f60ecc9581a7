import { mkdir, mkdtemp, realpath, rm, stat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { UsageError } from "../core/errors.js";
import { gitOutput, runGit, UPLOAD_PACK_OPTION } from "./run-git.js";

/** Identity of the commits Tanuki makes, set in the work copy's own config only. */
export const TANUKI_IDENTITY = { name: "Tanuki", email: "tanuki@users.noreply.github.com" } as const;

/** Ref in the work copy that keeps the base commit reachable. */
export const BASE_REF = "refs/tanuki/base";

/** A work copy made by {@link openWorkCopy}. */
export interface WorkCopy {
  /** Absolute, symlink-resolved path of the work copy. */
  dir: string;
  /** Full SHA of the base commit, checked out detached. */
  baseSha: string;
  /** Absolute, symlink-resolved path of the user's repository. */
  repoPath: string;
}

/**
 * Clone the user's repository into a fresh folder under `workRoot`, detached at the base commit.
 *
 * The clone is local and copies object files (`--no-hardlinks`), so nothing done to the work copy (a `chown` by the
 * sandbox included) reaches the user's repository; it copies committed state only: the user's uncommitted and
 * untracked changes are not in it and stay untouched. The work copy gets a local identity (Tanuki
 * <tanuki@users.noreply.github.com>), no signing, no line-ending conversion, no automatic gc, no `origin` remote, and
 * `refs/tanuki/base` pinning the base commit.
 *
 * @param repoPath  absolute path of the root of the user's repository (a working tree's top folder, or a bare repo)
 * @param baseSha  commit-ish to start from; default HEAD
 * @param workRoot  folder under which the work copy folder is created (created if missing)
 * @throws UsageError when `repoPath` is not absolute, not a folder, not a git repository or not its root folder,
 *   when the repository has no commits, or when `baseSha` names no commit in it
 * @throws GitError when cloning or configuring the work copy fails
 */
export async function openWorkCopy(repoPath: string, baseSha: string | undefined, workRoot: string): Promise<WorkCopy> {
  const repo = await validateRepository(repoPath);
  const base = await resolveBase(repo, baseSha ?? "HEAD");

  await mkdir(workRoot, { recursive: true });
  const dir = await realpath(await mkdtemp(join(workRoot, "tanuki-work-")));
  try {
    const config = [
      `user.name=${TANUKI_IDENTITY.name}`,
      `user.email=${TANUKI_IDENTITY.email}`,
      "commit.gpgsign=false",
      "tag.gpgsign=false",
      "core.autocrlf=false",
      "gc.auto=0",
      "maintenance.auto=false",
      "advice.detachedHead=false",
    ].flatMap((c) => ["--config", c]);
    await runGit(workRoot, [
      "clone",
      "--quiet",
      "--no-checkout",
      "--no-hardlinks",
      UPLOAD_PACK_OPTION,
      ...config,
      "--",
      repo,
      dir,
    ]);
    await runGit(dir, ["checkout", "--quiet", "--detach", base]);
    await runGit(dir, ["update-ref", BASE_REF, base]);
    await runGit(dir, ["remote", "remove", "origin"]);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, baseSha: base, repoPath: repo };
}

/** The repository's real path, after checking it is the root of a git repository. */
async function validateRepository(repoPath: string): Promise<string> {
  if (!isAbsolute(repoPath)) throw new UsageError(`Repository path must be absolute: ${repoPath}`);
  const isDir = await stat(repoPath).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new UsageError(`Repository path ${repoPath} does not exist or is not a folder`);
  const real = await realpath(repoPath);
  let bare: string;
  try {
    bare = await gitOutput(real, ["rev-parse", "--is-bare-repository"]);
  } catch (error) {
    throw new UsageError(
      `${repoPath} is not a git repository (run \`git init\` there, or pass the repository's folder)`,
      {
        cause: error,
      },
    );
  }
  if (bare === "true") return real;
  const top = await realpath(await gitOutput(real, ["rev-parse", "--show-toplevel"]));
  if (top !== real) {
    throw new UsageError(`${repoPath} is a folder inside the git repository ${top}; pass the repository's root folder`);
  }
  return real;
}

/** Full SHA of the base commit. */
async function resolveBase(repo: string, rev: string): Promise<string> {
  if (rev.startsWith("-") || rev.trim() === "") throw new UsageError(`Invalid base commit "${rev}"`);
  const result = await runGit(repo, ["rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { okExitCodes: [1, 128] });
  if (result.exitCode === 0) return result.stdout.trim();
  if (rev === "HEAD") {
    throw new UsageError(
      `The repository ${repo} has no commits yet; commit something first (Tanuki works from a commit)`,
    );
  }
  throw new UsageError(`Base commit ${rev} does not exist in ${repo}`);
}
