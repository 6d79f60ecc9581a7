import type { ApplyReport, Edit } from "../core/edit.js";

/** Which paths edits may touch. Paths are repository-relative POSIX paths; globs use `*` and `**`. */
export interface PathPolicy {
  /** Allow edits under `.github/workflows/`. Default false. */
  allowWorkflows: boolean;
  /**
   * Allow edits to Tanuki's own controls and the repository's CI and ownership files (see `isControlFile`:
   * `.github/tanuki.yml`, `.gitattributes`, `.gitmodules`, `CODEOWNERS`, CI configs). Default false.
   */
  allowControlFiles?: boolean;
  /** When non-empty, only paths matching one of these globs may be edited. */
  allow: string[];
  /** Paths matching one of these globs may never be edited (checked after `allow`). */
  deny: string[];
}

/**
 * The Workspace port: Tanuki's own git work copy of the user's repository at a pinned commit.
 * Edits, snapshots and diffs happen here; the user's working tree is never touched, except that
 * {@link Workspace.publishBranch} adds a branch to the user's repository.
 *
 * @throws GitError when git fails.
 */
export interface Workspace {
  /** Absolute host path of the work copy (mounted into the sandbox). */
  readonly dir: string;
  /** Full SHA the work started from. */
  readonly baseSha: string;
  /** Apply edits under the path policy. A refused or unmatched edit is reported, not thrown. */
  applyEdits(edits: Edit[], policy: PathPolicy): Promise<ApplyReport>;
  /**
   * File content (at most `maxBytes` of its head, default 8 MiB), or undefined when it does not exist. Read
   * symlink-safely: the sandbox may have written the tree.
   */
  readFile(path: string, options?: { maxBytes?: number }): Promise<string | undefined>;
  /**
   * The head of a file (at most `maxBytes`) with its size on disk and whether it was cut, or undefined when it does
   * not exist; read like {@link readFile}. For quoting files into prompts, which must say when a file was cut.
   */
  readFileHead(path: string, maxBytes: number): Promise<FileHead | undefined>;
  /** Repository-relative paths of tracked and untracked (not ignored) files. */
  listFiles(): Promise<string[]>;
  /** Unified diff of the current state against the base commit (untracked files included). */
  diff(): Promise<string>;
  /** Paths that differ from the base commit. */
  changedFiles(): Promise<string[]>;
  /** Commit the current state (on a private ref) and return its SHA. */
  snapshot(message: string): Promise<string>;
  /**
   * Set `paths` (repository-relative) to their content at commit `sha` (a snapshot or the base), bytes and modes
   * exactly; a path that does not exist at `sha` is removed. Other files are untouched. Used to run the base
   * commit's version of pre-existing tests and test configuration next to a change.
   */
  checkoutPaths(sha: string, paths: readonly string[]): Promise<void>;
  /** Reset the work copy to a snapshot SHA or the base SHA (untracked files removed). */
  restore(sha: string): Promise<void>;
  /**
   * Create `branch` in the user's repository pointing at a commit with the snapshot's tree on top of the base.
   * @returns the branch name and head SHA
   * @throws GitError when the branch already exists there and points elsewhere
   */
  publishBranch(snapshotSha: string, branch: string, message: string): Promise<{ branch: string; headSha: string }>;
  /** Remove the work copy. Idempotent. */
  dispose(): Promise<void>;
}

/** Options of {@link WorkspaceProvider.open}. */
export interface WorkspaceOpenOptions {
  /** Commit to start from; default HEAD. */
  baseSha?: string;
  /** Folder under which the work copy's private folder is created. */
  workRoot: string;
  /**
   * Disk quota of the work tree, bytes (the sandbox's writes to it stop there). Enforced by a dedicated volume
   * where the host allows one, else by measuring the tree after and during each command. Default: none.
   */
  diskBytes?: number;
}

/** The head of a file (see {@link Workspace.readFileHead}). */
export interface FileHead {
  /** UTF-8 content, at most `maxBytes` bytes of the file's start (a character cut at the end decodes as U+FFFD). */
  content: string;
  /** Size of the file on disk, bytes. */
  size: number;
  /** True when the file was larger than `maxBytes` and `content` is its head only. */
  truncated: boolean;
}

/** Opens workspaces. The git implementation is `GitWorkspaceProvider`. */
export interface WorkspaceProvider {
  /** @param repoPath absolute path of the user's repository */
  open(repoPath: string, options: WorkspaceOpenOptions): Promise<Workspace>;
}
