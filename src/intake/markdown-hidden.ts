/**
 * Markdown that GitHub renders invisibly but a model reads in the raw text: link reference definitions that no
 * link uses, the titles of links, images and definitions (tooltips), and the alt text of images. Removed the way
 * HTML comments are. CommonMark 0.31 ("Link reference definitions", "Links", "Images") is the reference; the scan
 * is an approximation that errs towards removing.
 *
 * Linear time: brackets are paired in one pass with a stack, each `](` is read once, destinations stop after
 * {@link MAX_PAREN_DEPTH} nested parentheses (as cmark does), and a failed multi-line title is remembered so no line
 * is read twice for the same quote.
 */

/** Nesting limit of parentheses in a link destination (cmark's limit). */
const MAX_PAREN_DEPTH = 32;

/** One cut: replace `[start, end)` with `text`. */
interface Cut {
  start: number;
  end: number;
  text: string;
}

/** Pairs every unescaped `[` with its `]`: index of `[` → index of `]`. */
function pairBrackets(text: string): Map<number, number> {
  const pairs = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === "\\") i += 1;
    else if (c === "[") open.push(i);
    else if (c === "]") {
      const start = open.pop();
      if (start !== undefined) pairs.set(start, i);
    }
  }
  return pairs;
}

/** Label as CommonMark matches them: case-folded, inner whitespace collapsed. */
function normaliseLabel(label: string): string {
  return label.trim().split(/\s+/).join(" ").toLowerCase();
}

const CLOSER: Record<string, string> = { '"': '"', "'": "'", "(": ")" };

/** Index just past an inline link's destination starting at `i` (after `(` and spaces), or -1. */
function skipDestination(text: string, i: number): number {
  if (text[i] === "<") {
    const close = text.indexOf(">", i);
    const newline = text.indexOf("\n", i);
    return close === -1 || (newline !== -1 && newline < close) ? -1 : close + 1;
  }
  let depth = 0;
  let j = i;
  for (; j < text.length; j += 1) {
    const c = text[j];
    if (c === "\\") j += 1;
    else if (c === "(") {
      depth += 1;
      if (depth > MAX_PAREN_DEPTH) return -1;
    } else if (c === ")") {
      if (depth === 0) break;
      depth -= 1;
    } else if (c === " " || c === "\t" || c === "\n") break;
  }
  return depth === 0 ? j : -1;
}

const skipSpaces = (text: string, i: number) => {
  let j = i;
  while (text[j] === " " || text[j] === "\t" || text[j] === "\n") j += 1;
  return j;
};

/** For `[...](dest "title")` starting at the `(` at `open`: where the title is and where the link ends. */
function readInlineTail(
  text: string,
  open: number,
): { titleStart?: number; titleEnd?: number; end: number } | undefined {
  const destEnd = skipDestination(text, skipSpaces(text, open + 1));
  if (destEnd === -1) return undefined;
  const afterDest = skipSpaces(text, destEnd);
  if (text[afterDest] === ")") return { end: afterDest + 1 };
  const closer = CLOSER[text[afterDest] ?? ""];
  if (!closer || afterDest === destEnd) return undefined;
  const close = text.indexOf(closer, afterDest + 1);
  if (close === -1) return undefined;
  const end = skipSpaces(text, close + 1);
  if (text[end] !== ")") return undefined;
  return { titleStart: destEnd, titleEnd: close + 1, end: end + 1 };
}

/** A definition line `[label]: dest "title"`: its label and the offsets of its title (may run on later lines). */
interface Definition {
  label: string;
  start: number;
  /** End of the definition (past its title and newline). */
  end: number;
  /** Offset where the title (and the space before it) starts; equals `end` when there is none. */
  titleStart: number;
}

/** Scans the definitions, one line at a time. */
function findDefinitions(text: string, pairs: Map<number, number>): Definition[] {
  const found: Definition[] = [];
  const failedTitle = new Map<string, number>(); // quote → a line start below which no line closes that quote
  let lineStart = 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf("\n", lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let i = lineStart;
    while (i - lineStart < 3 && text[i] === " ") i += 1;
    const close = text[i] === "[" ? pairs.get(i) : undefined;
    if (close !== undefined && close < lineEnd && text[close + 1] === ":") {
      const destStart = skipSpaces(text, close + 2);
      const destEnd = destStart < text.length ? skipDestination(text, destStart) : -1;
      if (destEnd > destStart) {
        const definition = readDefinitionTitle(text, destEnd, failedTitle);
        found.push({ label: normaliseLabel(text.slice(i + 1, close)), start: lineStart, ...definition });
        lineStart = definition.end;
        continue;
      }
    }
    lineStart = lineEnd + 1;
  }
  return found;
}

/** The title part after a definition's destination: on the same line, or on the next lines up to a blank line. */
function readDefinitionTitle(
  text: string,
  destEnd: number,
  failedTitle: Map<string, number>,
): { end: number; titleStart: number } {
  let lineEnd = text.indexOf("\n", destEnd);
  if (lineEnd === -1) lineEnd = text.length;
  const endOfLine = Math.min(lineEnd + 1, text.length);
  if (text.slice(destEnd, lineEnd).trim() !== "") return { end: endOfLine, titleStart: destEnd };
  const next = skipSpacesOnLine(text, endOfLine);
  const closer = CLOSER[text[next] ?? ""];
  if (!closer || (failedTitle.get(closer) ?? -1) > next) return { end: endOfLine, titleStart: endOfLine };
  // The title ends at a line that ends with its closer; a blank line ends the search.
  let line = next;
  for (;;) {
    let end = text.indexOf("\n", line);
    if (end === -1) end = text.length;
    const content = text.slice(line === next ? next + 1 : line, end).trimEnd();
    if (content === "" && line !== next) break;
    if (content.endsWith(closer)) return { end: Math.min(end + 1, text.length), titleStart: destEnd };
    if (end === text.length) break;
    line = end + 1;
  }
  failedTitle.set(closer, line);
  return { end: endOfLine, titleStart: endOfLine };
}

function skipSpacesOnLine(text: string, i: number): number {
  let j = i;
  while (text[j] === " " || text[j] === "\t") j += 1;
  return j;
}

/**
 * Removes unused link reference definitions, the titles of links, images and definitions, and the alt text of
 * images; reports what was removed (`2 unused link definitions`, `1 link titles`, `3 image alt texts`).
 */
export function stripInvisibleMarkdown(text: string): { text: string; removed: string[] } {
  const pairs = pairBrackets(text);
  const definitions = findDefinitions(text, pairs);
  const inDefinition = (at: number) => {
    // Definitions are sorted and disjoint: binary search for the last one starting at or before `at`.
    let lo = 0;
    let hi = definitions.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((definitions[mid]?.start ?? 0) <= at) lo = mid + 1;
      else hi = mid - 1;
    }
    const d = definitions[hi];
    return d !== undefined && at < d.end;
  };
  const cuts: Cut[] = [];
  const used = new Set<string>();
  let titles = 0;
  let alts = 0;
  for (const [open, close] of pairs) {
    if (inDefinition(open)) continue;
    used.add(normaliseLabel(text.slice(open + 1, close)));
    const isImage = text[open - 1] === "!";
    if (isImage && close > open + 1) {
      cuts.push({ start: open + 1, end: close, text: "" });
      alts += 1;
    }
    if (text[close + 1] === "(") {
      const tail = readInlineTail(text, close + 1);
      if (tail?.titleStart !== undefined && tail.titleEnd !== undefined) {
        cuts.push({ start: tail.titleStart, end: tail.titleEnd, text: "" });
        titles += 1;
      }
    } else if (text[close + 1] === "[") {
      const refClose = pairs.get(close + 1);
      if (refClose !== undefined) used.add(normaliseLabel(text.slice(close + 2, refClose)));
    }
  }
  let unused = 0;
  for (const d of definitions) {
    if (!used.has(d.label)) {
      cuts.push({ start: d.start, end: d.end, text: "" });
      unused += 1;
    } else if (d.titleStart < d.end) {
      cuts.push({ start: d.titleStart, end: d.end, text: "\n" });
      titles += 1;
    }
  }
  const removed = [
    ...(unused > 0 ? [`${unused} unused link definitions`] : []),
    ...(titles > 0 ? [`${titles} link titles`] : []),
    ...(alts > 0 ? [`${alts} image alt texts`] : []),
  ];
  return { text: applyCuts(text, cuts), removed };
}

/** Applies non-overlapping cuts (overlapping ones are dropped: the earlier start wins). */
function applyCuts(text: string, cuts: Cut[]): string {
  const parts: string[] = [];
  let copied = 0;
  for (const cut of cuts.sort((a, b) => a.start - b.start)) {
    if (cut.start < copied) continue;
    parts.push(text.slice(copied, cut.start), cut.text);
    copied = cut.end;
  }
  parts.push(text.slice(copied));
  return parts.join("");
}
