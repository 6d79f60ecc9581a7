import { cloneAtSha, diffCommits, fetchCommits, isAncestor, pushBranch } from "./git-remote.js";
import type { GitRemotePort } from "./git-remote-port.js";

/** {@link GitRemotePort} over the git command line (`src/github/git-remote.ts`). */
export const gitRemoteOverCli: GitRemotePort = {
  clone: cloneAtSha,
  fetch: fetchCommits,
  diff: diffCommits,
  isAncestor,
  push: pushBranch,
};
