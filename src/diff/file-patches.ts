import { applyPatch, parsePatch } from "diff";
import { recountHunks, repoPath } from "./unified-diff.js";

/** One file of a unified diff, ready to be applied to that file's current content. */
export interface FilePatch {
  /** Repository-relative path before the change (undefined for an added file). */
  oldPath?: string;
  /** Repository-relative path after the change (undefined for a deleted file). */
  newPath?: string;
  added: boolean;
  deleted: boolean;
  /** Git wrote no text hunks (a binary file): the patch cannot be applied from the diff. */
  binary: boolean;
  /**
   * The file's content with this patch applied to `current` (empty text for an added file), or undefined when the
   * hunks' context does not match `current` exactly (someone changed those lines since the diff was made).
   */
  apply(current: string): string | undefined;
}

/**
 * Splits a git diff into per-file patches that can be applied (with jsdiff's `applyPatch`, no fuzz) to the files'
 * content elsewhere, e.g. an editor's buffers. Lines the diff does not touch may differ: only each hunk's context
 * and removed lines must match.
 *
 * @throws Error (jsdiff's) when the text is not a unified diff
 */
export function filePatches(diff: string): FilePatch[] {
  if (diff.trim() === "") return [];
  return parsePatch(recountHunks(diff)).map((patch) => {
    const added = patch.isCreate === true || patch.oldFileName === "/dev/null";
    const deleted = patch.isDelete === true || patch.newFileName === "/dev/null";
    return {
      oldPath: added ? undefined : repoPath(patch.oldFileName),
      newPath: deleted ? undefined : repoPath(patch.newFileName),
      added,
      deleted,
      binary: patch.isBinary === true,
      apply(current: string) {
        const result = applyPatch(current, patch);
        return result === false ? undefined : result;
      },
    };
  });
}
