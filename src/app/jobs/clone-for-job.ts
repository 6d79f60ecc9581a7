import { join } from "node:path";
import { cloneAtSha, type GitRemote } from "../../github/git-remote.js";
import { type AppContext, type RepoTarget, remoteUrlOf } from "../app-context.js";
import type { JobArgs } from "../job-lifecycle.js";

/** A job's clone: its folder, and the remote it came from (URL without credentials, the token it was cloned with). */
export interface JobClone {
  repoDir: string;
  remote: GitRemote;
}

/**
 * Clone `target` at `sha` into `<job folder>/repo` with a fresh installation token (see {@link cloneAtSha}).
 *
 * @param alsoFetch  further commits to fetch (a pull request's base)
 * @throws GitError when git fails; GitHubError when no installation token can be had
 */
export async function cloneForJob(
  ctx: AppContext,
  target: RepoTarget,
  { folder, github, signal }: Pick<JobArgs, "folder" | "github" | "signal">,
  sha: string,
  alsoFetch?: string[],
): Promise<JobClone> {
  const repoDir = join(folder, "repo");
  const remote = { url: remoteUrlOf(ctx, target), token: await github.installationToken() };
  await cloneAtSha({ remote, sha, alsoFetch, dir: repoDir, signal });
  return { repoDir, remote };
}
