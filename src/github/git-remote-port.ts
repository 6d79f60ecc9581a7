/** Where a repository lives and the credentials for one git command against it. */
export interface RemoteRef {
  /** Clone URL (`https://github.com/o/r.git`; a local path or `file://` URL in tests). Never holds credentials. */
  url: string;
  /** Installation access token, handed to the one command that needs it (never stored in the clone). */
  token?: string;
}

/**
 * Git against a remote, as jobs need it: clone at a pinned commit, fetch more commits, diff, push a `tanuki/`
 * branch. The jobs layer sees only this port; the entry points wire the git CLI implementation
 * (`gitRemoteOverCli`, over `src/github/git-remote.ts`) and tests may pass their own.
 */
export interface GitRemotePort {
  /**
   * Clone `remote` at `sha` (detached) into `dir`, also fetching `alsoFetch`.
   * @throws GitError when git fails
   */
  clone(options: {
    remote: RemoteRef;
    sha: string;
    alsoFetch?: string[];
    dir: string;
    signal?: AbortSignal;
  }): Promise<void>;
  /**
   * Fetch further commits into a clone; commits the remote no longer has are skipped.
   * @returns the SHAs fetched
   */
  fetch(dir: string, remote: RemoteRef, shas: string[], signal?: AbortSignal): Promise<string[]>;
  /**
   * Unified diff `base..head` of a clone, or from their merge base when `mergeBase` (what a pull request shows).
   * @throws GitError when a commit is missing
   */
  diff(repoDir: string, base: string, head: string, mergeBase?: boolean): Promise<string>;
  /** True when `ancestor` is an ancestor of (or equal to) `descendant` in the clone. */
  isAncestor(repoDir: string, ancestor: string, descendant: string): Promise<boolean>;
  /**
   * Push `sha` to `refs/heads/<branch>` (a `tanuki/` branch only); `force` replaces a non-fast-forward.
   * @throws GitError when the branch is not Tanuki's or the push is rejected
   */
  push(options: {
    remote: RemoteRef;
    repoDir: string;
    sha: string;
    branch: string;
    force?: boolean;
    signal?: AbortSignal;
  }): Promise<void>;
}
