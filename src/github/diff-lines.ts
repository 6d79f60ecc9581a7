import picomatch from "picomatch";

/**
 * New-side line numbers (1-based) that appear in each file's hunks of a unified diff: the lines GitHub accepts
 * inline review comments on (added and context lines, side RIGHT). Deleted files have no entry.
 *
 * @param diff unified diff as `git diff` prints it
 * @returns repository-relative path → set of commentable lines
 */
export function commentableLines(diff: string): Map<string, Set<number>> {
  const result = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  let newLine = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("diff --git ")) {
      current = undefined;
    } else if (line.startsWith("+++ ")) {
      const path = line.slice(4).trim();
      if (path === "/dev/null") current = undefined;
      else {
        const clean = path.startsWith("b/") ? path.slice(2) : path;
        current = result.get(clean) ?? new Set<number>();
        result.set(clean, current);
      }
    } else if (line.startsWith("@@")) {
      const match = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      newLine = match ? Number(match[1]) : 0;
    } else if (current && newLine > 0) {
      if (line.startsWith("+") || line.startsWith(" ")) {
        current.add(newLine);
        newLine += 1;
      }
      // "-" lines and "\ No newline at end of file" do not advance the new side.
    }
  }
  return result;
}

/**
 * Drop the sections of a unified diff whose file matches one of `ignore` (globs with `*` and `**`).
 * @returns the remaining diff and the paths it still touches
 */
export function filterDiff(diff: string, ignore: string[]): { diff: string; files: string[] } {
  const isIgnored = ignore.length > 0 ? picomatch(ignore, { dot: true }) : () => false;
  const sections = diff.split(/^(?=diff --git )/m).filter((s) => s.trim() !== "");
  const kept: string[] = [];
  const files: string[] = [];
  for (const section of sections) {
    const header = /^diff --git a\/(.+?) b\/(.+)$/m.exec(section);
    const path = header?.[2] ?? "";
    if (header && isIgnored(path)) continue;
    kept.push(section);
    if (path) files.push(path);
  }
  return { diff: kept.join(""), files };
}
