/** A repository as the app addresses it. */
export interface RepoTarget {
  installationId: number;
  owner: string;
  repo: string;
  cloneUrl: string;
  defaultBranch: string;
}

/** `owner/repo#number`: the key of "one job per issue or pull request at a time". */
export function jobKey(target: { owner: string; repo: string }, number: number): string {
  return `${target.owner}/${target.repo}#${number}`;
}

/** True when the pull request's head branch is in `target` itself, not in a fork (Tanuki pushes only there). */
export function isSameRepo(target: { owner: string; repo: string }, pr: { headRepo: string }): boolean {
  return pr.headRepo === `${target.owner}/${target.repo}`;
}
