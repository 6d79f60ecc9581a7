import { describe, expect, it } from "vitest";
import { describeCut, quotableHead } from "../../../src/intake/file-cut.js";

describe("quotableHead", () => {
  it("keeps a whole file as it is, with no cut", () => {
    expect(quotableHead({ content: "a\nb", size: 3, truncated: false })).toEqual({ content: "a\nb" });
  });

  it("ends a cut file at its last whole line and counts the bytes shown", () => {
    // The read stopped inside "é" (2 bytes), which decoded as U+FFFD: that line is dropped with it.
    const head = { content: "π = 3\ncaf\uFFFD", size: 1_000, truncated: true };
    expect(quotableHead(head)).toEqual({ content: "π = 3\n", cut: { size: 1_000, shownBytes: 7 } });
  });

  it("keeps the head of a cut file that has no line end in it", () => {
    expect(quotableHead({ content: "x".repeat(10), size: 50, truncated: true })).toEqual({
      content: "x".repeat(10),
      cut: { size: 50, shownBytes: 10 },
    });
  });
});

describe("describeCut", () => {
  it("says how much of how much is shown, with thousands separators", () => {
    expect(describeCut({ shownBytes: 262_144, size: 1_073_741_824 })).toBe(
      "only its first 262,144 of 1,073,741,824 bytes are shown; the rest cannot be read",
    );
  });
});
