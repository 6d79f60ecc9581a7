/**
 * Adversarial inputs for every scanner of untrusted text: the shapes that make backtracking regexes and naive
 * rescans quadratic (long runs that almost match, openers that never close); those of test reports and imports are
 * in adversarial-reports.ts. Shared by the linear-time test in this folder and by `npm run bench`
 * (bench/text-bench.ts), which records the time of each case.
 */
import { hintsFromText } from "../../src/context/focus-hints.js";
import { fencedCodeBlock } from "../../src/core/markdown.js";
import { parseReviewMarker } from "../../src/github/review-comments.js";
import { delimitUntrusted } from "../../src/intake/delimit.js";
import { inertMarkdown } from "../../src/intake/inert-markdown.js";
import { sanitizeText } from "../../src/intake/sanitize.js";
import { stripTerminalControls } from "../../src/intake/terminal-text.js";
import { parseTestOutput } from "../../src/testing/test-counts.js";
import { ADVERSARIAL_CHARS, fill, type ScannerCase } from "./adversarial-fill.js";
import { REPORT_CASES } from "./adversarial-reports.js";

export { ADVERSARIAL_CHARS, fill, type ScannerCase } from "./adversarial-fill.js";

const sanitize = (text: string) => sanitizeText(text, { maxChars: 20_000 });
const hints = (text: string) => hintsFromText([text], ["src/a.py", "tests/test_a.py"]);
const fence = (text: string) => delimitUntrusted("file src/a.py", text);

/** Every scanner with the inputs that were quadratic before (or that a regex rewrite could make so). */
export const SCANNER_CASES: ScannerCase[] = [
  { name: "sanitize: unclosed tags", input: () => fill("<a "), run: sanitize },
  { name: "sanitize: unclosed hidden elements", input: () => fill("<div hidden>"), run: sanitize },
  { name: "sanitize: tags with unterminated quotes", input: () => fill('<a b="'), run: sanitize },
  { name: "sanitize: quotes hiding >", input: () => fill('<a x=">" '), run: sanitize },
  { name: "sanitize: hidden elements, closed", input: () => fill("<b hidden>x</b>"), run: sanitize },
  { name: "sanitize: comment openers", input: () => fill("<!--", ADVERSARIAL_CHARS, "-->"), run: sanitize },
  { name: "sanitize: style with spaces", input: () => `<a style="font-size:0${fill(" ")}x">`, run: sanitize },
  { name: "sanitize: spaces not at line end", input: () => fill(" ", ADVERSARIAL_CHARS, "x"), run: sanitize },
  { name: "sanitize: image openers", input: () => fill("!["), run: sanitize },
  { name: "sanitize: link openers", input: () => fill("[a]("), run: sanitize },
  { name: "sanitize: nested parentheses", input: () => `[a](${fill("(")}`, run: sanitize },
  { name: "sanitize: definitions with open titles", input: () => fill("[a]: b\n'x\n"), run: sanitize },
  { name: "sanitize: brackets", input: () => fill("["), run: sanitize },
  { name: "fence: < and spaces", input: () => `<${fill(" ")}`, run: fence },
  { name: "fence: </ and spaces", input: () => fill("</ \u200b"), run: fence },
  { name: "fence: near misses", input: () => fill("<untrusted- -dat "), run: fence },
  { name: "test output: jest line of spaces", input: () => `Tests:${fill(" ")}x`, run: parseTestOutput },
  { name: "test output: vitest line of spaces", input: () => `Tests ${fill(" ")}x`, run: parseTestOutput },
  { name: "test output: digits", input: () => `Tests: ${fill("1")} total`, run: parseTestOutput },
  { name: "test output: pytest near miss", input: () => fill("1 passed, "), run: parseTestOutput },
  { name: "inert markdown: brackets", input: () => fill("["), run: inertMarkdown },
  { name: "inert markdown: image openers", input: () => fill("!["), run: inertMarkdown },
  { name: "inert markdown: link openers", input: () => fill("[a]("), run: inertMarkdown },
  { name: "inert markdown: emphasis", input: () => fill("*a **a "), run: inertMarkdown },
  { name: "inert markdown: backticks", input: () => fill("`a``"), run: inertMarkdown },
  { name: "inert markdown: mentions", input: () => fill("@a "), run: (t) => inertMarkdown(t, { inline: true }) },
  { name: "inert markdown: spaces", input: () => fill(" ", ADVERSARIAL_CHARS, "x"), run: inertMarkdown },
  { name: "code block: backtick runs", input: () => fill("`a"), run: fencedCodeBlock },
  {
    name: "code block: newlines not at the end",
    input: () => fill("\n", ADVERSARIAL_CHARS, "x"),
    run: fencedCodeBlock,
  },
  { name: "terminal: unterminated OSC", input: () => fill("\u001b]0;"), run: stripTerminalControls },
  { name: "terminal: CSI parameters", input: () => fill("\u001b[1;2;3"), run: stripTerminalControls },
  { name: "focus hints: one long identifier", input: () => fill("a"), run: hints },
  { name: "focus hints: identifier and spaces", input: () => `a${fill(" ")}`, run: hints },
  { name: "focus hints: path-like runs", input: () => fill("a/"), run: hints },
  { name: "focus hints: dotted runs", input: () => fill("a."), run: hints },
  { name: "focus hints: colons", input: () => fill("a.py:"), run: hints },
  { name: "review marker: unclosed markers", input: () => fill("<!-- tanuki-review {"), run: parseReviewMarker },
  ...REPORT_CASES,
];
