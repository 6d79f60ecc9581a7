import { parsePatch } from "diff";
import picomatch from "picomatch";

/** One file of a unified diff (`git diff` format). */
export interface DiffFile {
  /** Path on the old side (`undefined` for an added file). */
  oldPath?: string;
  /** Path on the new side (`undefined` for a deleted file). */
  newPath?: string;
  deleted: boolean;
  added: boolean;
  /** Lines removed, each with the new-side line number at which the removal happened (1-based). */
  removed: { text: string; newLine: number }[];
  /** Lines added, with their new-side line number (1-based). */
  addedLines: { text: string; newLine: number }[];
  /** New-side line numbers of unchanged lines shown around the changes. */
  contextLines: number[];
}

/** `a/x` / `b/x` → `x`; `/dev/null` → undefined (git's quoting of odd names is undone by jsdiff). */
export function repoPath(name: string | undefined): string | undefined {
  if (name === undefined || name === "/dev/null") return undefined;
  return name.replace(/^[ab]\//, "");
}

/**
 * Parse a unified diff (as `git diff` writes it, several files, binary files and renames included) with jsdiff's
 * `parsePatch` into files with their added, removed and context lines on the new side. The one diff parser of
 * Tanuki: the loop's proof and test-weakening checks and the review's inline comments all read diffs through it.
 *
 * Hunk line counts are recounted first, as `git apply --recount` does, so a hand-edited hunk whose header
 * miscounts its lines still parses.
 *
 * @throws Error (jsdiff's) when the text is not a unified diff
 */
export function parseUnifiedDiff(diff: string): DiffFile[] {
  if (diff.trim() === "") return [];
  return parsePatch(recountHunks(diff)).map((patch) => {
    const added = patch.isCreate === true || patch.oldFileName === "/dev/null";
    const deleted = patch.isDelete === true || patch.newFileName === "/dev/null";
    const file: DiffFile = {
      oldPath: added ? undefined : repoPath(patch.oldFileName),
      newPath: deleted ? undefined : repoPath(patch.newFileName),
      added,
      deleted,
      removed: [],
      addedLines: [],
      contextLines: [],
    };
    for (const hunk of patch.hunks) {
      let newLine = hunk.newStart;
      for (const line of hunk.lines) {
        const text = line.slice(1);
        if (line.startsWith("+")) file.addedLines.push({ text, newLine: newLine++ });
        else if (line.startsWith("-")) file.removed.push({ text, newLine: Math.max(1, newLine) });
        else if (line.startsWith(" ")) file.contextLines.push(newLine++);
        // "\ No newline at end of file" belongs to the line before it and moves nothing.
      }
    }
    return file;
  });
}

/** Hunk header `@@ -a[,b] +c[,d] @@…`; groups: old start, new start, the rest of the line. */
const HUNK_HEADER = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@(.*)$/;

/** Rewrite every hunk header's line counts from the lines that follow it (up to the next header or file), as `git apply --recount` does. */
export function recountHunks(diff: string): string {
  const lines = diff.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const header = HUNK_HEADER.exec(lines[i] as string);
    if (!header) continue;
    let oldLines = 0;
    let newLines = 0;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j] as string;
      const first = line[0];
      if (first === " ") {
        oldLines++;
        newLines++;
      } else if (first === "-") oldLines++;
      else if (first === "+") newLines++;
      else if (first !== "\\") break;
    }
    lines[i] = `@@ -${header[1]},${oldLines} +${header[2]},${newLines} @@${header[3]}`;
  }
  return lines.join("\n");
}

/**
 * New-side line numbers (1-based) that appear in each file's hunks: the lines GitHub accepts inline review
 * comments on (added and context lines, side RIGHT). Deleted files have no entry.
 *
 * @returns repository-relative path → set of commentable lines
 */
export function commentableLines(diff: string): Map<string, Set<number>> {
  const result = new Map<string, Set<number>>();
  for (const file of parseUnifiedDiff(diff)) {
    if (file.deleted || file.newPath === undefined) continue;
    const lines = [...(result.get(file.newPath) ?? []), ...file.addedLines.map((l) => l.newLine), ...file.contextLines];
    result.set(file.newPath, new Set(lines.sort((x, y) => x - y)));
  }
  return result;
}

/** One file's section of a git diff: its text as it was and the paths of both sides. */
export interface DiffSection {
  /** Path before the change, undefined for a new file. */
  oldPath?: string;
  /** Path after the change, undefined for a deleted file. */
  newPath?: string;
  /** From its `diff --git` line up to the next one. */
  text: string;
}

/**
 * Split a git diff into per-file sections (text before the first `diff --git` line, such as a commit message, is
 * dropped), with each side's path as {@link parseUnifiedDiff} reads it.
 */
export function splitDiff(diff: string): DiffSection[] {
  const starts = [...diff.matchAll(/^diff --git /gm)].map((m) => m.index ?? 0);
  return starts.map((start, i) => {
    const text = diff.slice(start, starts[i + 1] ?? diff.length);
    const [file] = parseUnifiedDiff(text);
    return {
      text,
      ...(file?.oldPath !== undefined ? { oldPath: file.oldPath } : {}),
      ...(file?.newPath !== undefined ? { newPath: file.newPath } : {}),
    };
  });
}

/**
 * Drop the sections of a unified diff whose file matches one of `ignore` (globs with `*` and `**`), keeping the
 * other sections' text as it was.
 * @returns the remaining diff and the paths it still touches
 */
export function filterDiff(diff: string, ignore: string[]): { diff: string; files: string[] } {
  const isIgnored = ignore.length > 0 ? picomatch(ignore, { dot: true }) : () => false;
  const kept: string[] = [];
  const files: string[] = [];
  for (const section of splitDiff(diff)) {
    const path = section.newPath ?? section.oldPath ?? "";
    if (path && isIgnored(path)) continue;
    kept.push(section.text);
    if (path) files.push(path);
  }
  return { diff: kept.join(""), files };
}
