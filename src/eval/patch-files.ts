import { type DiffSection, splitDiff } from "../diff/unified-diff.js";

/** One file's section of a unified diff (`diff --git a/… b/…` up to the next such header). */
export type PatchSection = DiffSection;

/**
 * Splits a git-style unified diff into per-file sections (see `splitDiff`, the one diff parser). Text before the
 * first header (a commit message) is dropped.
 */
export function splitPatch(patch: string): PatchSection[] {
  return splitDiff(patch);
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
