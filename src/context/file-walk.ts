import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { CancelledError } from "../core/errors.js";

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
  /** How the list was made: given by the caller (the workspace's git index) or a walk of the tree. */
  source: "given" | "walk";
  /** True when the repository had more files than `maxFiles`. */
  truncated: boolean;
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

/** Manifest and test-configuration files that are always kept under the cap (they decide language and tests). */
const KEY_FILES = new Set([
  "package.json",
  "pyproject.toml",
  "setup.py",
  "setup.cfg",
  "tox.ini",
  "pytest.ini",
  "requirements.txt",
  "go.mod",
  "Cargo.toml",
  "pom.xml",
  "build.gradle",
  "build.gradle.kts",
  "Makefile",
  "conftest.py",
]);

/** Sort key: 0 for key files anywhere and root files, 1 for files under a test folder, 2 for the rest. */
function priority(path: string): number {
  const slash = path.lastIndexOf("/");
  const name = path.slice(slash + 1);
  if (slash === -1 || KEY_FILES.has(name)) return 0;
  if (/(^|\/)(tests?|spec|__tests__)\//.test(path) || /(^|[._-])(test|spec)([._-]|$)/.test(name)) return 1;
  return 2;
}

/**
 * Lists a repository's files: `options.files` when given (e.g. the workspace's tracked and untracked-not-ignored
 * files, listed by git with its git directory named explicitly), else a walk of the tree that skips
 * {@link SKIPPED_DIRS}. Git is never run here: the tree may hold a `.git` planted by the sandbox. Symlinks and
 * files missing from the tree are dropped, so a later read never leaves the repository through a link.
 *
 * Over the cap, root files, manifests (package.json, pyproject.toml, go.mod, …) and test files are kept first,
 * then the rest in path order, so a large repository still shows how it is built and tested.
 *
 * @param options.maxFiles  cap on listed files (default {@link DEFAULT_MAX_FILES})
 * @throws CancelledError when `signal` aborts
 */
export async function listRepoFiles(
  dir: string,
  options: { maxFiles?: number; signal?: AbortSignal; files?: readonly string[] } = {},
): Promise<FileListing> {
  const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
  const given = options.files && options.files.length > 0 ? [...new Set(options.files)] : undefined;
  const candidates = (given ?? (await walkFiles(dir, maxFiles * 10, options.signal))).sort(
    (a, b) => priority(a) - priority(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  const files: string[] = [];
  let truncated = false;
  for (const path of candidates) {
    if (files.length >= maxFiles) {
      truncated = true;
      break;
    }
    if (options.signal?.aborted) throw new CancelledError("file listing cancelled");
    if (given) {
      const stat = await lstat(join(dir, path)).catch(() => undefined);
      if (!stat?.isFile()) continue;
    }
    files.push(path);
  }
  return { files: files.sort(), source: given ? "given" : "walk", truncated };
}
