/** One file's section of a unified diff (`diff --git a/… b/…` up to the next such header). */
export interface PatchSection {
  /** Path before the change (`a/` side), undefined for a new file. */
  oldPath?: string;
  /** Path after the change (`b/` side), undefined for a deleted file. */
  newPath?: string;
  text: string;
}

/**
 * Splits a git-style unified diff into per-file sections. Paths come from the `---`/`+++` lines (falling back to
 * the `diff --git` header for binary or mode-only sections). Text before the first header (a commit message) is
 * dropped.
 */
export function splitPatch(patch: string): PatchSection[] {
  const sections: PatchSection[] = [];
  const starts = [...patch.matchAll(/^diff --git /gm)].map((m) => m.index ?? 0);
  starts.forEach((start, i) => {
    const text = patch.slice(start, starts[i + 1] ?? patch.length);
    const oldLine = /^--- (.+)$/m.exec(text)?.[1];
    const newLine = /^\+\+\+ (.+)$/m.exec(text)?.[1];
    const header = /^diff --git a\/(\S+) b\/(\S+)/.exec(text);
    const oldPath = oldLine !== undefined ? sidePath(oldLine, "a/") : header?.[1];
    const newPath = newLine !== undefined ? sidePath(newLine, "b/") : header?.[2];
    sections.push({ text, ...(oldPath ? { oldPath } : {}), ...(newPath ? { newPath } : {}) });
  });
  return sections;
}

function sidePath(line: string, prefix: string): string | undefined {
  const path = line.split("\t")[0]?.trim() ?? "";
  if (path === "/dev/null") return undefined;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/** Every path a patch touches (either side), deduplicated, in order. */
export function patchedPaths(patch: string): string[] {
  return [...new Set(splitPatch(patch).flatMap((s) => [s.oldPath, s.newPath].filter((p): p is string => !!p)))];
}

/** Files that exist after the patch (added or modified, not deleted), in order. */
export function filesAfterPatch(patch: string): string[] {
  return [...new Set(splitPatch(patch).flatMap((s) => (s.newPath ? [s.newPath] : [])))];
}

/**
 * The patch without the sections that touch `paths`. SWE-bench's harness checks the test files out at the base
 * commit before applying the test patch, which discards whatever the model patch did to them; leaving those
 * sections out before applying gives the same tree.
 */
export function withoutPaths(patch: string, paths: readonly string[]): string {
  const drop = new Set(paths);
  return splitPatch(patch)
    .filter((s) => !(s.oldPath && drop.has(s.oldPath)) && !(s.newPath && drop.has(s.newPath)))
    .map((s) => s.text)
    .join("");
}
