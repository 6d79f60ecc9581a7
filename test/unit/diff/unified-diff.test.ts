import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { commentableLines, filterDiff, parseUnifiedDiff } from "../../../src/diff/unified-diff.js";

const DIFF = [
  "diff --git a/src/a.js b/src/a.js",
  "index 1..2 100644",
  "--- a/src/a.js",
  "+++ b/src/a.js",
  "@@ -10,4 +10,5 @@ function f() {",
  " context10",
  "-removed",
  "+added11",
  "+added12",
  " context13",
  "diff --git a/gone.js b/gone.js",
  "deleted file mode 100644",
  "--- a/gone.js",
  "+++ /dev/null",
  "@@ -1 +0,0 @@",
  "-bye",
  "diff --git a/dist/out.js b/dist/out.js",
  "--- a/dist/out.js",
  "+++ b/dist/out.js",
  "@@ -1 +1 @@",
  "-x",
  "+y",
  "",
].join("\n");

describe("commentableLines", () => {
  it("collects new-side added and context lines per file, none for deleted files", () => {
    const lines = commentableLines(DIFF);
    expect([...(lines.get("src/a.js") ?? [])]).toEqual([10, 11, 12, 13]);
    expect(lines.has("gone.js")).toBe(false);
    expect([...(lines.get("dist/out.js") ?? [])]).toEqual([1]);
  });

  it("filterDiff drops ignored files", () => {
    const { diff, files } = filterDiff(DIFF, ["dist/**"]);
    expect(files).toEqual(["src/a.js", "gone.js"]);
    expect(diff).not.toContain("dist/out.js");
    expect(commentableLines(diff).get("src/a.js")?.has(11)).toBe(true);
  });
});

describe("parseUnifiedDiff on a real git diff", () => {
  it("reads added, deleted, renamed, binary and oddly named files with new-side line numbers", () => {
    const dir = mkdtempSync(join(tmpdir(), "tanuki-diff-"));
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "core.quotePath=false", "-c", "user.name=t", "-c", "user.email=t@t", ...args], {
        cwd: dir,
        encoding: "utf8",
      });
    try {
      git("init", "--quiet");
      writeFileSync(join(dir, "f.txt"), "a\nb\nc\n");
      writeFileSync(join(dir, "sp ace é.txt"), "x\n");
      writeFileSync(join(dir, "img.bin"), Buffer.from([0, 1, 2, 0]));
      writeFileSync(join(dir, "gone.txt"), "bye\n");
      writeFileSync(join(dir, "old.txt"), "r\nr\nr\n");
      git("add", "-A");
      git("commit", "--quiet", "-m", "base");
      writeFileSync(join(dir, "f.txt"), "a\nB\nc\nd");
      writeFileSync(join(dir, "sp ace é.txt"), "y\n");
      writeFileSync(join(dir, "img.bin"), Buffer.from([0, 9, 9, 0]));
      rmSync(join(dir, "gone.txt"));
      git("mv", "old.txt", "new.txt");
      writeFileSync(join(dir, "added.py"), "new\n");
      git("add", "-A");
      const files = parseUnifiedDiff(git("diff", "--cached", "--no-color"));
      const byPath = new Map(files.map((f) => [f.newPath ?? f.oldPath, f]));

      expect(byPath.get("added.py")).toMatchObject({
        added: true,
        oldPath: undefined,
        addedLines: [{ text: "new", newLine: 1 }],
      });
      expect(byPath.get("gone.txt")).toMatchObject({
        deleted: true,
        newPath: undefined,
        removed: [{ text: "bye", newLine: 1 }],
      });
      expect(byPath.get("f.txt")).toMatchObject({
        removed: [{ text: "b", newLine: 2 }],
        addedLines: [
          { text: "B", newLine: 2 },
          { text: "d", newLine: 4 },
        ],
        contextLines: [1, 3],
      });
      expect(byPath.get("new.txt")).toMatchObject({ oldPath: "old.txt", addedLines: [], removed: [] });
      expect(byPath.get("img.bin")).toMatchObject({ addedLines: [], removed: [] });
      expect(byPath.get("sp ace é.txt")?.addedLines).toEqual([{ text: "y", newLine: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives nothing for an empty diff", () => {
    expect(parseUnifiedDiff("")).toEqual([]);
  });
});
