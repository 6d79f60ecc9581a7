import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { GitError, UsageError } from "../core/errors.js";
import { type GitLocation, runGit, uploadPackTrusting } from "../workspace/run-git.js";

/** Finds (and, for remote sources, fetches) the repository that holds a task's base commit. */
export interface RepoSource {
  /**
   * @param repo  `owner/name`
   * @param commit  the base commit that must be present
   * @returns the absolute path of a clone or bare mirror holding `commit` (Tanuki only reads it)
   * @throws UsageError when the repository or the commit cannot be found
   */
  resolve(repo: string, commit: string): Promise<string>;
}

/** Folder name of a repository in a repos folder or cache: `owner__name` (SWE-bench's convention). */
export function repoFolderName(repo: string): string {
  return repo.replace("/", "__");
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/**
 * How git must address `path`: as it is, or (when another user owns it, e.g. a shared mirror folder) trusting
 * exactly that path.
 */
async function locate(path: string): Promise<{ repo: string; ownedByOther?: boolean }> {
  try {
    await runGit({ repo: path }, ["rev-parse", "--git-dir"]);
    return { repo: path };
  } catch (error) {
    if (error instanceof GitError && /dubious ownership/.test(error.message)) return { repo: path, ownedByOther: true };
    throw new UsageError(`${path} is not a git repository`, { cause: error });
  }
}

async function hasCommit(where: GitLocation, commit: string): Promise<boolean> {
  const result = await runGit(where, ["cat-file", "-e", `${commit}^{commit}`], { okExitCodes: [1, 128] });
  return result.exitCode === 0;
}

/**
 * Repositories from a local folder holding `DIR/<owner>__<name>` (a clone or a bare mirror), for offline and
 * air-gapped use: nothing is fetched.
 */
export function localRepos(dir: string): RepoSource {
  return {
    async resolve(repo, commit) {
      const path = join(dir, repoFolderName(repo));
      if (!(await isDirectory(path))) {
        throw new UsageError(`No clone of ${repo} in ${dir}: expected ${path} (a clone or a bare mirror)`);
      }
      if (!(await hasCommit(await locate(path), commit))) {
        throw new UsageError(`${path} does not hold the base commit ${commit} of ${repo}; fetch it there first`);
      }
      return path;
    },
  };
}

/**
 * Repositories cloned from `https://<host>/<owner>/<name>.git` (host `github.com`, or a GitHub Enterprise host)
 * into bare mirrors under `cacheDir`, reused by later tasks and runs; a base commit missing from a mirror is
 * fetched by SHA. Clones of one repository happen one at a time.
 */
export function remoteRepos(options: { host: string; cacheDir: string }): RepoSource {
  const pending = new Map<string, Promise<string>>();
  const fetchOne = async (repo: string, commit: string): Promise<string> => {
    const path = join(options.cacheDir, `${repoFolderName(repo)}.git`);
    const url = `https://${options.host}/${repo}.git`;
    try {
      if (!(await isDirectory(path))) {
        await mkdir(options.cacheDir, { recursive: true });
        const partial = `${path}.partial-${process.pid}`;
        await rm(partial, { recursive: true, force: true });
        await runGit({ repo: options.cacheDir }, ["clone", "--quiet", "--bare", "--", url, partial], {
          protocols: ["https"],
        });
        await rename(partial, path);
      }
      if (!(await hasCommit({ repo: path }, commit))) {
        await runGit({ repo: path }, ["fetch", "--quiet", "--", url, commit], { protocols: ["https"] });
      }
    } catch (error) {
      if (error instanceof GitError) {
        throw new UsageError(`Cannot get ${repo} at ${commit} from ${url}: ${error.message}`, { cause: error });
      }
      throw error;
    }
    if (!(await hasCommit({ repo: path }, commit))) throw new UsageError(`${url} has no commit ${commit}`);
    return path;
  };
  return {
    resolve(repo, commit) {
      const previous = pending.get(repo) ?? Promise.resolve("");
      const next = previous.catch(() => "").then(() => fetchOne(repo, commit));
      pending.set(repo, next);
      return next;
    },
  };
}

/**
 * A private bare clone of `source` sharing its objects (`git clone --shared`), so that what the loop does to its
 * repository (the result branch) never reaches the user's clone or the cache. Remove the folder when done.
 */
export async function privateClone(source: string, into: string): Promise<string> {
  const path = join(into, "repo.git");
  await mkdir(into, { recursive: true });
  const where = await locate(source);
  const trust = where.ownedByOther ? [uploadPackTrusting(source)] : [];
  await runGit({ repo: into }, ["clone", "--quiet", "--bare", "--shared", ...trust, "--", source, path], {
    protocols: ["file"],
    ...(where.ownedByOther ? { trustRepos: [source] } : {}),
  });
  return path;
}
