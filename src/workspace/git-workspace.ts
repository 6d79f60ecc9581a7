import { rm } from "node:fs/promises";
import type { ApplyReport, Edit } from "../core/edit.js";
import { PathPolicyError, UsageError } from "../core/errors.js";
import { applyEdits } from "./apply-edits.js";
import { openWorkCopy, type WorkCopy } from "./open-work-copy.js";
import { checkEditPath } from "./path-policy.js";
import { publishBranch } from "./publish-branch.js";
import { type GitLocation, gitOutput, runGit, splitNul } from "./run-git.js";
import { DEFAULT_READ_CAP_BYTES, SafeTree } from "./safe-fs.js";
import type { FileHead, PathPolicy, Workspace, WorkspaceOpenOptions, WorkspaceProvider } from "./workspace.js";

/** Policy used by {@link GitWorkspace.readFile}: any file of the repository, workflows included, never `.git/`. */
const READ_POLICY: PathPolicy = { allowWorkflows: true, allow: [], deny: [] };

/** Options shared by diff commands: stable output whatever the user's git config says. */
const DIFF_OPTIONS = [
  "--no-color",
  "--no-ext-diff",
  "--no-textconv",
  "--no-renames",
  "--src-prefix=a/",
  "--dst-prefix=b/",
];

/** Paths per git command in {@link GitWorkspace.checkoutPaths} (keeps the argument list far below ARG_MAX). */
const CHECKOUT_BATCH = 200;

/**
 * Opens {@link GitWorkspace}s: local clones of the user's repository at a pinned commit.
 *
 * Only committed state is cloned: the user's uncommitted and untracked changes are not part of the work and stay
 * theirs, untouched. The user's repository is only read, except by {@link GitWorkspace.publishBranch}, which adds a
 * `tanuki/…` branch to it.
 */
export class GitWorkspaceProvider implements WorkspaceProvider {
  /**
   * @throws UsageError when `repoPath` is not the root of a git repository, has no commits, or lacks `baseSha`
   * @throws GitError when cloning fails
   * @see openWorkCopy for what the work copy is and how it is configured
   */
  async open(repoPath: string, options: WorkspaceOpenOptions): Promise<Workspace> {
    return new GitWorkspace(
      await openWorkCopy(repoPath, {
        workRoot: options.workRoot,
        ...(options.baseSha ? { baseSha: options.baseSha } : {}),
        ...(options.diskBytes ? { diskBytes: options.diskBytes } : {}),
      }),
    );
  }
}

/**
 * A git work copy (see {@link openWorkCopy}). Snapshots are commits kept under `refs/tanuki/snapshots/<n>`; HEAD
 * stays detached. Git operations on one workspace run one at a time, always with the git directory named
 * explicitly (it lies outside the tree the sandbox writes); file reads go through {@link SafeTree}.
 */
export class GitWorkspace implements Workspace {
  readonly dir: string;
  readonly baseSha: string;
  /** Absolute path of the user's repository. */
  readonly repoPath: string;
  /** The work copy's git directory (never inside `dir`). */
  readonly gitDir: string;
  private readonly copy: WorkCopy;
  private readonly git: GitLocation;
  private snapshotCount = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;

  constructor(copy: WorkCopy) {
    this.copy = copy;
    this.dir = copy.dir;
    this.baseSha = copy.baseSha;
    this.repoPath = copy.repoPath;
    this.gitDir = copy.gitDir;
    this.git = { gitDir: copy.gitDir, workTree: copy.dir };
  }

  /** Why the disk quota is measured instead of enforced by a volume, when it is (see WorkTreeVolume). */
  get quotaNote(): string | undefined {
    return this.copy.volume.fallbackReason;
  }

  /** @see applyEdits (never throws for a bad edit) */
  applyEdits(edits: Edit[], policy: PathPolicy): Promise<ApplyReport> {
    return this.exclusive(() => applyEdits(this.dir, edits, policy));
  }

  /**
   * UTF-8 content of a repository-relative file (at most `maxBytes` of its head, default 8 MiB), or undefined when
   * it does not exist. Symlinks inside the repository are followed by resolving them, never by the file system.
   * @throws PathPolicyError when the path leaves the repository, goes through `.git/`, names a folder or a
   *   non-regular file
   */
  async readFile(path: string, options: { maxBytes?: number } = {}): Promise<string | undefined> {
    return (await this.readFileHead(path, options.maxBytes ?? DEFAULT_READ_CAP_BYTES))?.content;
  }

  /**
   * The first `maxBytes` of a repository-relative file, its size and whether it was cut (see {@link readFile} for
   * how it is read and what is refused).
   * @throws PathPolicyError as {@link readFile}
   */
  async readFileHead(path: string, maxBytes: number): Promise<FileHead | undefined> {
    this.assertOpen();
    const check = await checkEditPath(this.dir, path, READ_POLICY);
    if (!check.ok) throw new PathPolicyError(`Cannot read ${path}: ${check.reason}`, path);
    const tree = await SafeTree.open(this.dir);
    return tree.read(check.resolved, maxBytes);
  }

  /** Tracked files still present plus untracked files not ignored; sorted repository-relative POSIX paths. */
  listFiles(): Promise<string[]> {
    return this.exclusive(async () => {
      const listed = splitNul(
        (await runGit(this.git, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])).stdout,
      );
      const deleted = new Set(splitNul((await runGit(this.git, ["ls-files", "-z", "--deleted"])).stdout));
      return [...new Set(listed)].filter((p) => !deleted.has(p)).sort();
    });
  }

  /** Unified diff (`a/`, `b/` prefixes, no renames, no colour) from the base commit to the current files. */
  diff(): Promise<string> {
    return this.exclusive(async () => {
      await this.stageAll();
      return (await runGit(this.git, ["diff", "--cached", ...DIFF_OPTIONS, this.baseSha, "--"])).stdout;
    });
  }

  /** Sorted repository-relative paths added, modified or deleted since the base commit (ignored files excluded). */
  changedFiles(): Promise<string[]> {
    return this.exclusive(async () => {
      await this.stageAll();
      const out = await runGit(this.git, [
        "diff",
        "--cached",
        "--name-only",
        "-z",
        ...DIFF_OPTIONS,
        this.baseSha,
        "--",
      ]);
      return splitNul(out.stdout).sort();
    });
  }

  /**
   * Commit every tracked and untracked (not ignored) file on top of the current HEAD, under
   * `refs/tanuki/snapshots/<n>` (n = 1, 2, …). HEAD does not move.
   * @returns the snapshot commit's full SHA
   */
  snapshot(message: string): Promise<string> {
    return this.exclusive(async () => {
      await this.stageAll();
      const tree = await gitOutput(this.git, ["write-tree"]);
      const head = await gitOutput(this.git, ["rev-parse", "--verify", "HEAD^{commit}"]);
      const sha = await gitOutput(this.git, ["commit-tree", tree, "-p", head, "-m", message]);
      this.snapshotCount += 1;
      await runGit(this.git, ["update-ref", `refs/tanuki/snapshots/${this.snapshotCount}`, sha]);
      return sha;
    });
  }

  /**
   * Make the work copy exactly `sha` (a snapshot or the base): hard reset (HEAD detached at it), then remove untracked
   * files and folders, nested repositories included. Ignored files (installed dependencies, build caches) survive.
   * @throws GitError when `sha` is not a commit of the work copy
   */
  restore(sha: string): Promise<void> {
    return this.exclusive(async () => {
      if (sha.startsWith("-")) throw new UsageError(`Invalid commit "${sha}"`);
      const commit = await gitOutput(this.git, ["rev-parse", "--verify", `${sha}^{commit}`]);
      await runGit(this.git, ["reset", "--quiet", "--hard", commit]);
      await runGit(this.git, ["clean", "--quiet", "-f", "-f", "-d"]);
    });
  }

  /**
   * @see Workspace.checkoutPaths. Paths are literal (no pathspec magic); git itself refuses paths beyond a symlink,
   * so a folder the sandbox swapped for a link is never written through.
   * @throws GitError when `sha` is not a commit of the work copy
   */
  checkoutPaths(sha: string, paths: readonly string[]): Promise<void> {
    return this.exclusive(async () => {
      if (sha.startsWith("-")) throw new UsageError(`Invalid commit "${sha}"`);
      if (paths.length === 0) return;
      const commit = await gitOutput(this.git, ["rev-parse", "--verify", `${sha}^{commit}`]);
      await this.stageAll();
      const literal = { env: { GIT_LITERAL_PATHSPECS: "1" } };
      for (let i = 0; i < paths.length; i += CHECKOUT_BATCH) {
        const batch = paths.slice(i, i + CHECKOUT_BATCH);
        const listed = await runGit(this.git, ["ls-tree", "-r", "-z", "--name-only", commit, "--", ...batch], literal);
        const present = new Set(splitNul(listed.stdout));
        const there = batch.filter((path) => present.has(path));
        const gone = batch.filter((path) => !present.has(path));
        if (there.length > 0) await runGit(this.git, ["checkout", "--quiet", commit, "--", ...there], literal);
        if (gone.length > 0) {
          await runGit(this.git, ["rm", "--quiet", "-r", "-f", "--ignore-unmatch", "--", ...gone], literal);
        }
      }
    });
  }

  /** @see publishBranch (one commit: the snapshot's tree, parent = base; refuses names outside `tanuki/`) */
  publishBranch(snapshotSha: string, branch: string, message: string): Promise<{ branch: string; headSha: string }> {
    return this.exclusive(() =>
      publishBranch(
        {
          gitDir: this.gitDir,
          repoPath: this.repoPath,
          repoOwnedByOther: this.copy.repoOwnedByOther,
          baseSha: this.baseSha,
        },
        snapshotSha,
        branch,
        message,
      ),
    );
  }

  /** Remove the work copy (tree, volume and git directory). Idempotent; other methods then throw UsageError. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.queue;
    await this.copy.volume.release();
    await rm(this.copy.root, { recursive: true, force: true });
  }

  /** Stage the whole work tree (tracked, deleted and untracked-not-ignored files) in the work copy's own index. */
  private async stageAll(): Promise<void> {
    await runGit(this.git, ["add", "--all", "--", "."]);
  }

  /** Run `task` after every earlier operation on this workspace has finished. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.disposed) return Promise.reject(new UsageError(`Workspace ${this.dir} was disposed`));
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private assertOpen(): void {
    if (this.disposed) throw new UsageError(`Workspace ${this.dir} was disposed`);
  }
}
