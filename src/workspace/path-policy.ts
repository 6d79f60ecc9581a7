import { lstat, realpath } from "node:fs/promises";
import { dirname, isAbsolute, join, posix, relative, sep } from "node:path";
import picomatch from "picomatch";
import type { PathPolicy } from "./workspace.js";

/** Result of {@link checkEditPath}: the path to write, or why it is refused (a sentence for the coder). */
export type PathCheck =
  | {
      ok: true;
      /** Absolute host path to read or write (under the root as given, not symlink-resolved). */
      absolute: string;
      /** The repository-relative POSIX path, normalised (no `.` or empty segments). */
      relative: string;
      /** `relative` with every symlink inside the repository resolved: the file actually read or written. */
      resolved: string;
    }
  | { ok: false; reason: string };

/** The policy that allows every path the structural checks allow (no globs, no workflows). */
export const OPEN_PATH_POLICY: PathPolicy = { allowWorkflows: false, allow: [], deny: [] };

/**
 * Decide whether an edit may write `relPath` inside the repository at `root`.
 *
 * Refused: an empty path; an absolute path (`/x`, `C:\x`, `C:/x`); any backslash (no Windows-style separators or
 * escapes); NUL; any `..` segment (even one that stays inside); any `.git` segment in any letter case, also with
 * trailing dots or spaces (`.GIT`, `sub/.git/x`, `.git.`), which would reach git's own data; `.github/workflows/**`
 * unless `policy.allowWorkflows`; a control file ({@link isControlFile}) unless `policy.allowControlFiles`; a path matching none of `policy.allow` when that list is non-empty; a path
 * matching one of `policy.deny`; an existing directory; and a symlink escape: the nearest existing ancestor of the
 * target (the target itself when it exists) is resolved with `realpath`, and the resolved path must lie inside the
 * realpath of `root` and pass the same segment, workflow and glob checks (so a link `docs -> .git` is refused).
 * A dangling symlink is refused.
 *
 * Globs are matched with picomatch (`dot: true`), against the repository-relative path.
 * The check is a snapshot: a link created after it (time-of-check to time-of-use) is not seen; the sandbox, which can
 * create links, runs between edits, not during them.
 *
 * @param root  absolute path of the repository work copy
 * @param relPath  repository-relative POSIX path, as the coder wrote it
 * @returns `{ ok: true, absolute, relative }` or `{ ok: false, reason }`; never throws for a bad path
 */
export async function checkEditPath(root: string, relPath: string, policy: PathPolicy): Promise<PathCheck> {
  const syntax = checkSyntax(relPath);
  if (!syntax.ok) return syntax;
  const rel = syntax.relative;

  const policyReason = checkRelative(rel, policy);
  if (policyReason) return { ok: false, reason: policyReason };

  const absolute = join(root, ...rel.split("/"));
  const resolved = await resolveThroughLinks(root, absolute);
  if (!resolved.ok) return { ok: false, reason: `${rel}: ${resolved.reason}` };
  if (resolved.relative !== rel) {
    const linkedReason = checkRelative(resolved.relative, policy);
    if (linkedReason) return { ok: false, reason: `${rel} is a symlink path to ${resolved.relative}; ${linkedReason}` };
  }
  if (resolved.isDirectory) return { ok: false, reason: `${rel} is a directory, not a file` };
  return { ok: true, absolute, relative: rel, resolved: resolved.relative };
}

/** Lexical checks; returns the normalised relative path. */
function checkSyntax(relPath: string): { ok: true; relative: string } | { ok: false; reason: string } {
  const shown = JSON.stringify(relPath);
  if (relPath.trim() === "") return { ok: false, reason: "the path is empty" };
  if (relPath.includes("\0")) return { ok: false, reason: `${shown} contains a NUL character` };
  if (relPath.includes("\\")) return { ok: false, reason: `${shown} contains a backslash; use "/" separators` };
  if (relPath.startsWith("/") || isAbsolute(relPath) || /^[a-zA-Z]:/.test(relPath)) {
    return { ok: false, reason: `${shown} is absolute; use a path relative to the repository root` };
  }
  const segments = relPath.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes(".."))
    return { ok: false, reason: `${shown} contains ".."; paths must stay in the repository` };
  if (segments.length === 0) return { ok: false, reason: `${shown} names the repository root, not a file` };
  return { ok: true, relative: segments.join("/") };
}

/** Files whose edit would change what Tanuki, the CI or code ownership allow (lower-case, repository-relative). */
const CONTROL_FILES = [
  /^\.github\/tanuki\.ya?ml$/, // Tanuki's own repository config: permissions, allowWorkflows, commands
  /(^|\/)\.gitattributes$/, // filters, diff drivers, merge strategies
  /^\.gitmodules$/, // submodule URLs
  /^(\.github\/|docs\/)?codeowners$/, // who must review what
  /^\.github\/actions\//, // composite actions the workflows run
  /^\.github\/dependabot\.ya?ml$/,
  /^\.gitlab-ci\.ya?ml$/,
  /^\.gitlab\//,
  /^\.circleci\//,
  /^\.travis\.ya?ml$/,
  /^azure-pipelines\.ya?ml$/,
  /^bitbucket-pipelines\.ya?ml$/,
  /^appveyor\.ya?ml$/,
  /^\.drone\.ya?ml$/,
  /^\.buildkite\//,
  /^\.woodpecker(\.ya?ml|\/)/,
  /^jenkinsfile$/,
  /^\.ci\//,
];

/**
 * True for files that control Tanuki or the repository's process rather than its code: `.github/tanuki.yml`,
 * any `.gitattributes`, `.gitmodules`, `CODEOWNERS` (root, `.github/`, `docs/`), composite actions under
 * `.github/actions/`, Dependabot's config, and the CI configs of GitLab, CircleCI, Travis, Azure Pipelines,
 * Bitbucket, AppVeyor, Drone, Buildkite, Woodpecker, Jenkins and a `.ci/` folder. Workflows have their own switch.
 * Case-insensitive (case-insensitive file systems and GitHub's CODEOWNERS lookup).
 */
export function isControlFile(rel: string): boolean {
  const lower = rel.toLowerCase();
  return CONTROL_FILES.some((pattern) => pattern.test(lower));
}

/** Segment, workflow and glob checks on a normalised relative path; returns a reason or undefined. */
function checkRelative(rel: string, policy: PathPolicy): string | undefined {
  const segments = rel.split("/");
  if (segments.some((s) => /^\.git[. ]*$/i.test(s))) return `${rel} is inside a .git folder (git's own data)`;
  const lower = rel.toLowerCase();
  if (!policy.allowWorkflows && (lower === ".github/workflows" || lower.startsWith(".github/workflows/"))) {
    return `${rel} is a GitHub workflow file; editing workflows is not allowed by the path policy`;
  }
  if (!policy.allowControlFiles && isControlFile(rel)) {
    return `${rel} controls Tanuki, the repository's CI or its code ownership; editing it is not allowed by the path policy (a base-branch .github/tanuki.yml may set paths.allowControlFiles)`;
  }
  if (policy.allow.length > 0 && !picomatch(policy.allow, { dot: true })(rel)) {
    return `${rel} matches none of the allowed paths (${policy.allow.join(", ")})`;
  }
  const denied = policy.deny.find((glob) => picomatch(glob, { dot: true })(rel));
  if (denied !== undefined) return `${rel} matches the denied path pattern ${denied}`;
  return undefined;
}

type Resolved = { ok: true; relative: string; isDirectory: boolean } | { ok: false; reason: string };

/**
 * Resolve `absolute` through symlinks: realpath of the nearest existing ancestor (or the target itself), plus the
 * missing tail. Returns the resolved path relative to realpath(root).
 */
async function resolveThroughLinks(root: string, absolute: string): Promise<Resolved> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (error) {
    return { ok: false, reason: `the repository root cannot be resolved (${(error as Error).message})` };
  }
  let existing = absolute;
  const missingTail: string[] = [];
  for (;;) {
    const stats = await lstat(existing).catch(() => undefined);
    if (stats) break;
    const parent = dirname(existing);
    if (parent === existing) return { ok: false, reason: "no existing ancestor folder" };
    missingTail.unshift(existing.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
    existing = parent;
  }
  let realExisting: string;
  try {
    realExisting = await realpath(existing);
  } catch {
    return { ok: false, reason: "it goes through a dangling symlink" };
  }
  const isDirectory = missingTail.length === 0 && (await lstat(realExisting)).isDirectory();
  const rel = relative(realRoot, join(realExisting, ...missingTail));
  if (rel === "") return { ok: false, reason: "it resolves through a symlink to the repository root folder" };
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    return { ok: false, reason: "it resolves through a symlink to a place outside the repository" };
  }
  return { ok: true, relative: rel.split(sep).join(posix.sep), isDirectory };
}
