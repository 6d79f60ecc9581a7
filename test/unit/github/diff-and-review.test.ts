import { describe, expect, it } from "vitest";
import {
  buildReview,
  fingerprintFinding,
  parseReviewMarker,
  renderFindingComment,
} from "../../../src/github/review-comments.js";

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
    const lines = new Map([["src/a.js", new Set([10, 11, 12, 13])]]);
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
