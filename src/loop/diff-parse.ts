/** One file of a unified diff (`git diff` format). */
export interface DiffFile {
  /** Path on the old side (`undefined` for an added file). */
  oldPath?: string;
  /** Path on the new side (`undefined` for a deleted file). */
  newPath?: string;
  deleted: boolean;
  added: boolean;
  /** Lines removed, each with the new-side line number at which the removal happened. */
  removed: { text: string; newLine: number }[];
  /** Lines added, with their new-side line number. */
  addedLines: { text: string; newLine: number }[];
}

function stripPrefix(path: string): string | undefined {
  if (path === "/dev/null") return undefined;
  return path.replace(/^[ab]\//, "").replace(/^"|"$/g, "");
}

/** Parses a unified diff (as `git diff` writes it) into files with their added and removed lines. */
export function parseUnifiedDiff(diff: string): DiffFile[] {
  const files: DiffFile[] = [];
  let current: DiffFile | undefined;
  let newLine = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git ")) {
      const match = line.match(/^diff --git a\/(.*) b\/(.*)$/);
      current = {
        oldPath: match?.[1],
        newPath: match?.[2],
        deleted: false,
        added: false,
        removed: [],
        addedLines: [],
      };
      files.push(current);
      continue;
    }
    if (!current) continue;
    if (line.startsWith("deleted file mode")) current.deleted = true;
    else if (line.startsWith("new file mode")) current.added = true;
    else if (line.startsWith("--- ")) {
      current.oldPath = stripPrefix(line.slice(4));
      if (current.oldPath === undefined) current.added = true;
    } else if (line.startsWith("+++ ")) {
      current.newPath = stripPrefix(line.slice(4));
      if (current.newPath === undefined) current.deleted = true;
    } else if (line.startsWith("@@")) {
      const match = line.match(/^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/);
      newLine = match ? Number(match[1]) : 0;
    } else if (line.startsWith("+")) {
      current.addedLines.push({ text: line.slice(1), newLine });
      newLine += 1;
    } else if (line.startsWith("-")) {
      current.removed.push({ text: line.slice(1), newLine: Math.max(1, newLine) });
    } else if (line.startsWith(" ")) {
      newLine += 1;
    }
  }
  for (const file of files) {
    if (file.deleted) file.newPath = undefined;
    if (file.added) file.oldPath = undefined;
  }
  return files;
}
