import { GitError } from "../core/errors.js";
import { type GitLocation, gitOutput, runGit } from "./run-git.js";

/** Prefix every branch Tanuki publishes must have. */
export const BRANCH_PREFIX = "tanuki/";

/** Where {@link publishBranch} works: the work copy, the user's repository and the pinned base commit. */
export interface PublishTarget {
  /** Git directory of Tanuki's work copy (holds the snapshot). */
  gitDir: string;
  /** Absolute path of the user's repository (receives the branch). */
  repoPath: string;
  /** True when another user owns it (see GitLocation). */
  repoOwnedByOther?: boolean;
  /** Full SHA of the base commit; the published commit's only parent. */
  baseSha: string;
}

/**
 * Create `branch` in the user's repository, pointing at one new commit whose tree is the snapshot's tree and whose
 * only parent is the base commit (the snapshot's own history of intermediate commits is not published).
 *
 * The commit is made in the work copy (with its local identity) and fetched into `refs/heads/<branch>` of the
 * user's repository: the user's working tree, index and HEAD are never touched, no FETCH_HEAD is written and no
 * automatic gc/maintenance runs there. Publishing again when the branch already holds a commit with the same tree
 * and parent returns that commit (idempotent).
 *
 * @returns the branch name and the full SHA of its head commit
 * @throws GitError when the name does not start with `tanuki/` or is not a valid branch name, when the snapshot is
 *   not a commit of the work copy, when the branch exists in the user's repository and points at another commit
 *   (no suffix is invented: the caller picks a new name or deletes the branch), or when git fails
 */
export async function publishBranch(
  target: PublishTarget,
  snapshotSha: string,
  branch: string,
  message: string,
): Promise<{ branch: string; headSha: string }> {
  const ref = `refs/heads/${branch}`;
  const command = `publish ${branch}`;
  if (!branch.startsWith(BRANCH_PREFIX) || branch.length === BRANCH_PREFIX.length) {
    throw new GitError(
      `Refusing to publish branch "${branch}": Tanuki only creates branches named ${BRANCH_PREFIX}…`,
      command,
    );
  }
  const work: GitLocation = { gitDir: target.gitDir };
  const user: GitLocation = { repo: target.repoPath, ...(target.repoOwnedByOther ? { ownedByOther: true } : {}) };
  const valid = await runGit(work, ["check-ref-format", ref], { okExitCodes: [1] });
  if (valid.exitCode !== 0) throw new GitError(`"${branch}" is not a valid git branch name`, command);

  const tree = await resolveInWorkCopy(work, snapshotSha, "tree");
  const existing = await resolveRef(user, ref);
  if (existing !== undefined) {
    if (await isCommitOf(user, existing, tree, target.baseSha)) return { branch, headSha: existing };
    throw new GitError(
      `Branch ${branch} already exists in ${target.repoPath} and points at ${existing}, not at this change; delete it or publish under another name`,
      command,
    );
  }

  const commit = await gitOutput(work, ["commit-tree", tree, "-p", target.baseSha, "-m", message]);
  const publishRef = `refs/tanuki/publish/${branch}`;
  await runGit(work, ["update-ref", publishRef, commit]);
  await runGit(
    user,
    [
      "fetch",
      "--quiet",
      "--no-tags",
      "--no-write-fetch-head",
      "--no-recurse-submodules",
      "--",
      target.gitDir,
      `${publishRef}:${ref}`,
    ],
    { protocols: ["file"] },
  );
  const headSha = await resolveRef(user, ref);
  if (headSha !== commit) {
    throw new GitError(
      `Branch ${branch} in ${target.repoPath} points at ${headSha ?? "nothing"}, expected ${commit}`,
      command,
    );
  }
  return { branch, headSha: commit };
}

/** Full SHA of `sha`'s commit or tree in the work copy. */
async function resolveInWorkCopy(work: GitLocation, sha: string, kind: "commit" | "tree"): Promise<string> {
  if (sha.startsWith("-")) throw new GitError(`"${sha}" is not a commit`, `rev-parse ${sha}`);
  const result = await runGit(work, ["rev-parse", "--verify", "--quiet", `${sha}^{${kind}}`], { okExitCodes: [1] });
  if (result.exitCode !== 0) {
    throw new GitError(`${sha} is not a commit of the work copy (not a snapshot SHA?)`, `rev-parse ${sha}^{${kind}}`);
  }
  return result.stdout.trim();
}

/** SHA a full ref points at, or undefined when it does not exist. */
async function resolveRef(repo: GitLocation, ref: string): Promise<string | undefined> {
  const result = await runGit(repo, ["rev-parse", "--verify", "--quiet", ref], { okExitCodes: [1] });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/** True when `commit` has exactly the given tree and the single parent `parent`. */
async function isCommitOf(repo: GitLocation, commit: string, tree: string, parent: string): Promise<boolean> {
  const line = await gitOutput(repo, ["log", "-1", "--format=%T %P", commit]);
  return line === `${tree} ${parent}`;
}
