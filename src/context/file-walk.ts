import { execFile } from "node:child_process";
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { CancelledError } from "../core/errors.js";

const execFileAsync = promisify(execFile);

/** Default cap on the number of files listed for one repository. */
export const DEFAULT_MAX_FILES = 20_000;

/** Folders the fallback walk never enters: VCS data, dependencies, caches, virtual environments, build output. */
export const SKIPPED_DIRS = new Set([
  ".git",
  ".hg",
  ".svn",
  "node_modules",
  "__pycache__",
  ".venv",
  "venv",
  "env",
  ".tox",
  ".nox",
  ".mypy_cache",
  ".pytest_cache",
  ".ruff_cache",
  ".cache",
  "dist",
  "build",
  "out",
  "coverage",
  ".next",
  "target",
  ".eggs",
]);

/** Files listed for a repository. */
export interface FileListing {
  /** Repository-relative POSIX paths, sorted, regular files only (no symlinks), at most `maxFiles`. */
  files: string[];
  /** How the list was made. */
  source: "git" | "walk";
  /** True when the repository had more files than `maxFiles`. */
  truncated: boolean;
}

/** Tracked plus untracked-but-not-ignored files, from git; undefined when `dir` is not a git work tree. */
async function gitFiles(dir: string, signal?: AbortSignal): Promise<string[] | undefined> {
  try {
    const { stdout } = await execFileAsync(
      "git",
      ["-c", "core.quotepath=off", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024, signal },
    );
    return [...new Set(stdout.split("\0").filter((p) => p.length > 0))];
  } catch (err) {
    if (signal?.aborted) throw new CancelledError("file listing cancelled", { cause: err });
    return undefined;
  }
}

/** Recursive walk that skips {@link SKIPPED_DIRS}, hidden virtualenv-like folders and symlinks. */
async function walkFiles(dir: string, maxFiles: number, signal?: AbortSignal): Promise<string[]> {
  const found: string[] = [];
  const pending = [""];
  while (pending.length > 0 && found.length <= maxFiles) {
    if (signal?.aborted) throw new CancelledError("file listing cancelled");
    const rel = pending.shift() ?? "";
    const entries = await readdir(join(dir, rel), { withFileTypes: true }).catch(() => []);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.endsWith(".egg-info")) pending.push(path);
      } else if (entry.isFile()) {
        found.push(path);
      }
    }
  }
  return found;
}

/**
 * Lists a repository's files. In a git work tree: `git ls-files` (tracked and untracked-not-ignored, so files an
 * agent just created count); elsewhere, or when git lists nothing: a walk that skips {@link SKIPPED_DIRS}. Symlinks and files deleted from
 * the work tree are dropped, so a later read never leaves the repository through a link.
 *
 * @param options.maxFiles  cap on listed files (default {@link DEFAULT_MAX_FILES}); with git the first in path order
 *   win, the walk goes breadth-first so shallow files win
 * @throws CancelledError when `signal` aborts
 */
export async function listRepoFiles(
  dir: string,
  options: { maxFiles?: number; signal?: AbortSignal } = {},
): Promise<FileListing> {
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  // An empty answer means `dir` lies in an ignored folder of some outer repository: walk it instead.
  const listed = await gitFiles(dir, options.signal);
  const fromGit = listed && listed.length > 0 ? listed : undefined;
  const candidates = (fromGit ?? (await walkFiles(dir, maxFiles, options.signal))).sort();
  const files: string[] = [];
  let truncated = false;
  for (const path of candidates) {
    if (files.length >= maxFiles) {
      truncated = true;
      break;
    }
    if (options.signal?.aborted) throw new CancelledError("file listing cancelled");
    if (fromGit) {
      const stat = await lstat(join(dir, path)).catch(() => undefined);
      if (!stat?.isFile()) continue;
    }
    files.push(path);
  }
  return { files, source: fromGit ? "git" : "walk", truncated };
}
