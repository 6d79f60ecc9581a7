/**
 * Find-and-replace of one SEARCH block in a file's text, exact first, then tolerant.
 *
 * Idea source: Aider's SEARCH/REPLACE "flexible" matching (aider/coders/editblock_coder.py: `replace_most_similar_chunk`,
 * `replace_part_with_missing_leading_whitespace`; https://aider.chat/docs/more/edit-formats.html): models copy code
 * with the wrong line endings, trailing spaces or indentation, and a strict matcher wastes a whole round on it.
 * Unlike Aider, this never falls back to fuzzy (edit-distance) replacement: a near miss is reported, not applied.
 */

/** How the SEARCH text was found: verbatim, ignoring line endings and trailing whitespace, or shifted indentation. */
export type MatchKind = "exact" | "whitespace" | "indentation";

/** Outcome of {@link replaceOnce}. Line numbers are 1-based. */
export type ReplaceResult =
  | { kind: "replaced"; content: string; match: MatchKind }
  | { kind: "ambiguous"; match: MatchKind; lineNumbers: number[] }
  | { kind: "none" };

interface Line {
  text: string;
  /** "\n", "\r\n", or "" for a last line without newline. */
  eol: string;
}

/** A consistent indentation shift between the SEARCH block and the file: prefix added to or removed from each line. */
type Shift = { add: string } | { remove: string };

/**
 * Replace the single occurrence of `search` in `content` by `replace`.
 *
 * Tried in order, stopping at the first level that finds anything:
 * 1. exact: `search` as a substring;
 * 2. whitespace: whole lines equal after removing trailing whitespace (covers CRLF vs LF);
 * 3. indentation: whole lines equal after also removing one common indentation shift (every non-blank line of the
 *    file block = SEARCH line with a prefix added, or with a prefix removed); the replacement is re-indented by the
 *    same shift so the result keeps the file's indentation.
 * More than one occurrence at a level is `ambiguous` (nothing is replaced). Replacement line endings follow the
 * file's dominant line ending.
 *
 * @param search  non-empty SEARCH text
 */
export function replaceOnce(content: string, search: string, replace: string): ReplaceResult {
  const eol = dominantEol(content);
  const replacement = replace.replace(/\r?\n/g, eol);

  const starts = occurrences(content, search);
  if (starts.length === 1) {
    const start = starts[0] as number;
    return {
      kind: "replaced",
      content: content.slice(0, start) + replacement + content.slice(start + search.length),
      match: "exact",
    };
  }
  if (starts.length > 1) {
    return { kind: "ambiguous", match: "exact", lineNumbers: starts.map((s) => lineNumberAt(content, s)) };
  }

  const fileLines = splitLines(content);
  const searchLines = textLines(search);
  const replaceLines = textLines(replace);
  if (searchLines.every((l) => l.trim() === "")) return { kind: "none" };

  for (const match of ["whitespace", "indentation"] as const) {
    const found: { index: number; shift: Shift }[] = [];
    for (let i = 0; i + searchLines.length <= fileLines.length; i++) {
      const window = fileLines.slice(i, i + searchLines.length).map((l) => l.text);
      const shift = match === "whitespace" ? linesEqual(window, searchLines) : findShift(window, searchLines);
      if (shift) found.push({ index: i, shift });
    }
    if (found.length > 1) return { kind: "ambiguous", match, lineNumbers: found.map((f) => f.index + 1) };
    const only = found[0];
    if (only) {
      const newLines = replaceLines.map((l) => applyShift(l, only.shift));
      return {
        kind: "replaced",
        content: spliceLines(fileLines, only.index, searchLines.length, newLines, eol),
        match,
      };
    }
  }
  return { kind: "none" };
}

/** "\r\n" when most line breaks in `content` are CRLF, else "\n". */
export function dominantEol(content: string): string {
  const crlf = content.match(/\r\n/g)?.length ?? 0;
  const lf = (content.match(/\n/g)?.length ?? 0) - crlf;
  return crlf > lf ? "\r\n" : "\n";
}

/** Lines of a SEARCH/REPLACE text: CR removed, a final newline does not make an extra empty line; "" has no lines. */
export function textLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Start offsets of every (possibly overlapping) occurrence of `needle`. */
function occurrences(haystack: string, needle: string): number[] {
  const result: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) result.push(at);
  return result;
}

function lineNumberAt(content: string, offset: number): number {
  let line = 1;
  for (let i = content.indexOf("\n"); i !== -1 && i < offset; i = content.indexOf("\n", i + 1)) line++;
  return line;
}

function splitLines(content: string): Line[] {
  const lines: Line[] = [];
  const re = /\r?\n/g;
  let start = 0;
  for (let m = re.exec(content); m; m = re.exec(content)) {
    lines.push({ text: content.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < content.length) lines.push({ text: content.slice(start), eol: "" });
  return lines;
}

const NO_SHIFT: Shift = { add: "" };

function linesEqual(window: string[], search: string[]): Shift | undefined {
  return window.every((line, j) => line.trimEnd() === (search[j] as string).trimEnd()) ? NO_SHIFT : undefined;
}

function leading(line: string): string {
  return line.slice(0, line.length - line.trimStart().length);
}

/** The single indentation shift that turns every non-blank SEARCH line into its file line, if there is one. */
function findShift(window: string[], search: string[]): Shift | undefined {
  let shift: Shift | undefined;
  for (let j = 0; j < window.length; j++) {
    const fileLine = (window[j] as string).trimEnd();
    const searchLine = (search[j] as string).trimEnd();
    if (fileLine.trim() === "" || searchLine.trim() === "") {
      if (fileLine.trim() !== searchLine.trim()) return undefined;
      continue;
    }
    if (!shift) {
      if (fileLine.trimStart() !== searchLine.trimStart()) return undefined;
      const fileIndent = leading(fileLine);
      const searchIndent = leading(searchLine);
      if (fileIndent.endsWith(searchIndent))
        shift = { add: fileIndent.slice(0, fileIndent.length - searchIndent.length) };
      else if (searchIndent.endsWith(fileIndent)) {
        shift = { remove: searchIndent.slice(0, searchIndent.length - fileIndent.length) };
      } else return undefined;
    }
    if ("remove" in shift && !searchLine.startsWith(shift.remove)) return undefined;
    if (applyShift(searchLine, shift) !== fileLine) return undefined;
  }
  return shift;
}

/** Shift one replacement line; blank lines stay empty; a line with less indentation than removed loses what it has. */
function applyShift(line: string, shift: Shift): string {
  if (line.trim() === "") return "";
  if ("add" in shift) return shift.add + line;
  if (line.startsWith(shift.remove)) return line.slice(shift.remove.length);
  const indent = leading(line);
  return line.slice(Math.min(indent.length, shift.remove.length));
}

function spliceLines(lines: Line[], index: number, count: number, newLines: string[], eol: string): string {
  const before = lines.slice(0, index);
  const after = lines.slice(index + count);
  const lastEol = lines[index + count - 1]?.eol ?? eol;
  const middle = newLines.map((text, k) => text + (k === newLines.length - 1 ? lastEol : eol)).join("");
  const join = (ls: Line[]) => ls.map((l) => l.text + l.eol).join("");
  return join(before) + middle + join(after);
}
