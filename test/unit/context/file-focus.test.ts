import { describe, expect, it } from "vitest";
import { candidateWindows, mergeRanges, renderFocusedFile } from "../../../src/context/file-focus.js";
import { emptyHints, hintsFromText, mergeHints } from "../../../src/context/focus-hints.js";
import { estimateTokens } from "../../../src/context/tokens.js";

/** 300 numbered two-line functions with their declarations (as tree-sitter gives them). */
function bigFile() {
  const lines: string[] = [];
  const symbols = [];
  for (let i = 0; i < 300; i++) {
    symbols.push({
      kind: "function" as const,
      name: `f${i}`,
      signature: `def f${i}(x):`,
      line: lines.length + 1,
      endLine: lines.length + 2,
    });
    lines.push(`def f${i}(x):`, `    return x + ${i}`, "");
  }
  return { path: "pkg/mod.py", content: lines.join("\n"), symbols };
}

describe("hintsFromText", () => {
  it("finds code-like names and the repository files stack frames point at, not plain words", () => {
    const hints = hintsFromText(
      [
        "Calling `parse_header` crashes in HeaderParser.split_value() after the refactor",
        'Traceback:\n  File "/home/ci/work/pkg/mod.py", line 42, in f13\n  at render (src/view.ts:7:3)\nFAILED tests/test_mod.py::test_split',
      ],
      ["pkg/mod.py", "src/view.ts", "tests/test_mod.py", "other/mod.py"],
    );
    expect(hints.names).toEqual(expect.arrayContaining(["parse_header", "split_value", "HeaderParser", "test_split"]));
    expect(hints.names).not.toContain("Calling");
    expect(hints.names).not.toContain("crashes");
    expect(hints.lines).toEqual({ "pkg/mod.py": [42], "src/view.ts": [7] });
  });
});

describe("renderFocusedFile", () => {
  it("shows a file whole when it fits", () => {
    const text = renderFocusedFile({ path: "a.py", content: "x = 1\ny = 2\n" }, emptyHints(), {
      budgetTokens: 200,
      count: estimateTokens,
    });
    expect(text).toContain("### a.py (2 lines, whole file)");
    expect(text).toContain("x = 1\ny = 2\n</untrusted-data");
  });

  it("shows the hinted declaration from the middle of a large file, verbatim, plus an outline, within budget", () => {
    const file = bigFile();
    const hints = mergeHints(emptyHints(), { names: ["f150"], lines: {}, ranges: {} });
    const text = renderFocusedFile(file, hints, { budgetTokens: 600, count: estimateTokens, canRead: true }) ?? "";
    expect(estimateTokens(text)).toBeLessThanOrEqual(600);
    expect(text).toContain("def f150(x):\n    return x + 150\n");
    expect(text).toMatch(/### pkg\/mod\.py \(899 lines; shown: lines [\d, -]+; ask for other lines with `read`\)/);
    expect(text).toContain("L16-17: def f5(x):");
    expect(text).not.toContain("return x + 200");
  });

  it("puts asked-for ranges first and shrinks a window around its anchor when room is short", () => {
    const file = bigFile();
    const hints = { names: [], lines: { "pkg/mod.py": [700] }, ranges: { "pkg/mod.py": [{ start: 10, end: 12 }] } };
    const windows = candidateWindows(file, 899, hints);
    expect(windows[0]).toEqual({ start: 10, end: 12, anchor: 10 });
    expect(windows[1]).toMatchObject({ anchor: 700 });
    const text = renderFocusedFile(file, hints, { budgetTokens: 250, count: estimateTokens }) ?? "";
    expect(text).toContain('label="file pkg/mod.py lines 10-12"');
    expect(text).toContain("    return x + 233");
  });

  it("merges overlapping and adjacent ranges", () => {
    expect(
      mergeRanges([
        { start: 5, end: 9 },
        { start: 1, end: 3 },
        { start: 4, end: 4 },
        { start: 20, end: 22 },
      ]),
    ).toEqual([
      { start: 1, end: 9 },
      { start: 20, end: 22 },
    ]);
  });
});
