import { join } from "node:path";
import type { RemoteRef } from "../../github/git-remote-port.js";
import { type JobsContext, remoteUrlOf } from "../jobs-context.js";
import type { JobArgs } from "../lifecycle/job-lifecycle.js";
import type { RepoTarget } from "../repo-target.js";

/** A job's clone: its folder, and the remote it came from (URL without credentials, the token it was cloned with). */
export interface JobClone {
  repoDir: string;
  remote: RemoteRef;
}

/**
 * Clone `target` at `sha` into `<job folder>/repo` with a fresh installation token.
 *
 * @param alsoFetch  further commits to fetch (a pull request's base)
 * @throws GitError when git fails; GitHubError when no installation token can be had
 */
export async function cloneForJob(
  ctx: JobsContext,
  target: RepoTarget,
  { folder, github, signal }: Pick<JobArgs, "folder" | "github" | "signal">,
  sha: string,
  alsoFetch?: string[],
): Promise<JobClone> {
  const repoDir = join(folder, "repo");
  const remote = { url: remoteUrlOf(ctx, target), token: await github.installationToken() };
  await ctx.git.clone({ remote, sha, alsoFetch, dir: repoDir, signal });
  return { repoDir, remote };
}
