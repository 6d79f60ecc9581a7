import { describe, expect, it } from "vitest";
import { commentableLines, filterDiff } from "../../../src/github/diff-lines.js";
import {
  buildReview,
  fingerprintFinding,
  parseReviewMarker,
  renderFindingComment,
} from "../../../src/github/review-comments.js";

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

describe("buildReview", () => {
  const finding = { file: "src/a.js", line: 11, severity: "major" as const, explanation: "Off by one." };

  it("fingerprints ignore the line and whitespace but not the file or severity", () => {
    expect(fingerprintFinding({ ...finding, line: 99, explanation: " off  by ONE. " })).toBe(
      fingerprintFinding(finding),
    );
    expect(fingerprintFinding({ ...finding, file: "b.js" })).not.toBe(fingerprintFinding(finding));
    expect(fingerprintFinding({ ...finding, severity: "nit" })).not.toBe(fingerprintFinding(finding));
  });

  it("puts findings on diff lines inline, others in the body, and skips ones already posted", () => {
    const lines = commentableLines(DIFF);
    const outside = { file: "src/a.js", line: 40, severity: "minor" as const, explanation: "Naming." };
    const old = { file: "src/a.js", line: 12, severity: "nit" as const, explanation: "Posted before." };
    const built = buildReview({
      findings: [finding, outside, old],
      lines,
      alreadyPosted: new Set([fingerprintFinding(old)]),
      headSha: "c".repeat(40),
      summary: "Two issues.",
    });
    expect(built.comments).toEqual([{ path: "src/a.js", line: 11, body: "**major**: Off by one." }]);
    expect(built.body).toContain("`src/a.js:40` **minor**: Naming.");
    expect(built.duplicates).toBe(1);
    expect(built.body).toContain("New findings: 1 major, 1 minor.");
    expect(parseReviewMarker(built.body)).toEqual({
      sha: "c".repeat(40),
      fingerprints: [fingerprintFinding(old), fingerprintFinding(finding), fingerprintFinding(outside)],
    });
  });

  it("fences a suggestion with more backticks than it contains", () => {
    const body = renderFindingComment({ ...finding, suggestion: "const s = ```x```;" });
    expect(body).toBe("**major**: Off by one.\n\n````suggestion\nconst s = ```x```;\n````");
  });
});
