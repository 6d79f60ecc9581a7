import { delimitUntrusted } from "../intake/delimit.js";
import { describeCut, type FileCut } from "../intake/file-cut.js";
import { escapePromptName } from "../intake/prompt-name.js";
import type { FocusHints, LineRange } from "./focus-hints.js";
import type { SymbolSignature } from "./repo-facts.js";
import { largestFitting, type TokenCounter } from "./tokens.js";

/** A file to show an agent: its current content and, when parsed, its declarations (with end lines). */
export interface FocusFile {
  /** Repository-relative path. */
  path: string;
  content: string;
  symbols?: readonly SymbolSignature[];
  /** Set when `content` is only the file's head (see `FileCut`); headers say so. */
  cut?: FileCut;
}

/** How files are rendered. */
export interface FocusOptions {
  /** Room for the whole section, tokens as counted by `count`. */
  budgetTokens: number;
  count: TokenCounter;
  /** Prefix each line with its number (`12 | `), for citing (briefings); off for files an agent copies SEARCH from. */
  numbered?: boolean;
  /** Section title. Default `## Files`. */
  title?: string;
  /** The agent can ask for more lines (its answer has `read`): headers say how. */
  canRead?: boolean;
}

/** A window that would show a symbol bigger than this, lines, shows the lines around its anchor instead. */
const MAX_SYMBOL_LINES = 200;
/** Lines shown on each side of a line a trace or finding points at. */
const LINE_CONTEXT = 12;
/** Lines shown on each side of a line that mentions a hinted name (files without declarations). */
const MENTION_CONTEXT = 8;
/** Most windows opened on mentions of a name, per file. */
const MAX_MENTIONS = 6;
/** Lines shown at the top of a file (imports, module docstring) when there is room. */
const HEAD_LINES = 15;
/** Share of a file's budget its outline (declarations not shown) may take. */
const OUTLINE_SHARE = 0.2;
/** A window shrunk to fit shows at least this many lines, or is left out. */
const MIN_WINDOW_LINES = 3;

/** A candidate window: the lines to show and the line it is about (shrinking keeps lines around the anchor). */
interface Candidate extends LineRange {
  anchor: number;
}

function splitLines(content: string): string[] {
  const lines = content.replace(/\r\n?/g, "\n").split("\n");
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function clampRange(range: LineRange, total: number): LineRange {
  return { start: Math.max(1, Math.min(range.start, total)), end: Math.max(1, Math.min(range.end, total)) };
}

/** Innermost declaration that contains `line`. */
function enclosing(symbols: readonly SymbolSignature[], line: number): SymbolSignature | undefined {
  return symbols
    .filter((symbol) => symbol.line <= line && (symbol.endLine ?? symbol.line) >= line)
    .sort((a, b) => (a.endLine ?? a.line) - a.line - ((b.endLine ?? b.line) - b.line))[0];
}

/** A declaration's whole extent, or the lines around `anchor` when it is too long. */
function symbolWindow(symbol: SymbolSignature, anchor: number): Candidate {
  const end = symbol.endLine ?? symbol.line;
  if (end - symbol.line + 1 <= MAX_SYMBOL_LINES) return { start: Math.max(1, symbol.line - 2), end, anchor };
  return { start: Math.max(symbol.line, anchor - LINE_CONTEXT), end: Math.min(end, anchor + LINE_CONTEXT), anchor };
}

/**
 * Windows of a file, most important first: ranges the agent asked for; the declarations (or lines) that traces
 * and findings point at; declarations whose name is hinted; lines that mention a hinted name; the file's head.
 */
export function candidateWindows(file: FocusFile, total: number, hints: FocusHints): Candidate[] {
  const symbols = file.symbols ?? [];
  const out: Candidate[] = [];
  for (const range of hints.ranges[file.path] ?? []) {
    const clamped = clampRange(range, total);
    out.push({ ...clamped, anchor: clamped.start });
  }
  for (const line of hints.lines[file.path] ?? []) {
    if (line > total) continue;
    const symbol = enclosing(symbols, line);
    out.push(
      symbol
        ? symbolWindow(symbol, line)
        : { start: Math.max(1, line - LINE_CONTEXT), end: Math.min(total, line + LINE_CONTEXT), anchor: line },
    );
  }
  const names = new Set(hints.names);
  for (const symbol of symbols) if (names.has(symbol.name)) out.push(symbolWindow(symbol, symbol.line));
  const lines = splitLines(file.content);
  const pattern = mentionPattern(hints.names);
  if (pattern) {
    let mentions = 0;
    for (let i = 0; i < lines.length && mentions < MAX_MENTIONS; i++) {
      if (!pattern.test(lines[i] ?? "")) continue;
      const line = i + 1;
      if (out.some((window) => window.start <= line && window.end >= line)) continue;
      const symbol = enclosing(symbols, line);
      out.push(
        symbol && (symbol.endLine ?? symbol.line) - symbol.line < 60
          ? symbolWindow(symbol, line)
          : { start: Math.max(1, line - MENTION_CONTEXT), end: Math.min(total, line + MENTION_CONTEXT), anchor: line },
      );
      mentions += 1;
    }
  }
  out.push({ start: 1, end: Math.min(total, HEAD_LINES), anchor: 1 });
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Whole-word pattern of the hinted names (undefined when there are none). */
function mentionPattern(names: readonly string[]): RegExp | undefined {
  const usable = names.filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
  return usable.length > 0 ? new RegExp(`\\b(?:${usable.map(escapeRegExp).join("|")})\\b`) : undefined;
}

/** Sorted, merged ranges (adjacent ones join). */
export function mergeRanges(ranges: readonly LineRange[]): LineRange[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const merged: LineRange[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end + 1) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

function body(lines: readonly string[], range: LineRange, numbered: boolean, width: number): string {
  const slice = lines.slice(range.start - 1, range.end);
  return numbered
    ? slice.map((line, i) => `${String(range.start + i).padStart(width)} | ${line}`).join("\n")
    : slice.join("\n");
}

function outlineOf(symbols: readonly SymbolSignature[], shown: readonly LineRange[]): string[] {
  return symbols
    .filter((symbol) => !shown.some((range) => range.start <= symbol.line && range.end >= symbol.line))
    .map((symbol) => {
      const end = symbol.endLine && symbol.endLine > symbol.line ? `-${symbol.endLine}` : "";
      return `L${symbol.line}${end}: ${symbol.signature}`;
    });
}

/** One file as windows: header, outline of the declarations not shown, each window fenced with its line range. */
function renderWindows(
  file: FocusFile,
  lines: readonly string[],
  ranges: readonly LineRange[],
  outline: readonly string[],
  options: { numbered: boolean; canRead: boolean },
): string {
  const { numbered } = options;
  const total = lines.length;
  const width = String(total).length;
  const shown = ranges.map((range) => `${range.start}-${range.end}`).join(", ");
  const readable = file.cut ? `${total} lines readable, ${describeCut(file.cut)}` : `${total} lines`;
  const parts = [
    `### ${escapePromptName(file.path)} (${readable}; shown: lines ${shown || "none"}${options.canRead ? "; ask for other lines with `read`" : ""})`,
  ];
  if (outline.length > 0) {
    parts.push(delimitUntrusted(`declarations in ${file.path} not shown`, outline.join("\n")));
  }
  for (const range of ranges) {
    parts.push(
      delimitUntrusted(`file ${file.path} lines ${range.start}-${range.end}`, body(lines, range, numbered, width)),
    );
  }
  return parts.join("\n");
}

/** The whole file, fenced. */
function renderWhole(file: FocusFile, lines: readonly string[], numbered: boolean): string {
  const width = String(lines.length).length;
  const extent = file.cut
    ? `first ${lines.length} lines, ${describeCut(file.cut)}`
    : `${lines.length} lines, whole file`;
  return `### ${escapePromptName(file.path)} (${extent})\n${delimitUntrusted(
    `file ${file.path}`,
    body(lines, { start: 1, end: lines.length }, numbered, width),
  )}`;
}

/**
 * One file within `budgetTokens`: whole when it fits; else windows (see {@link candidateWindows}), added most
 * important first while they fit, a window that does not fit shrunk around its anchor (never a cut in the middle of
 * what it shows), and an outline of the declarations left out so the agent can ask for them. Lines are whole and
 * verbatim, so SEARCH text can be copied from them. Undefined when not even a small window fits.
 */
export function renderFocusedFile(
  file: FocusFile,
  hints: FocusHints,
  options: Omit<FocusOptions, "title">,
): string | undefined {
  const { count, budgetTokens } = options;
  const numbered = options.numbered ?? false;
  const style = { numbered, canRead: options.canRead ?? false };
  const lines = splitLines(file.content);
  const whole = renderWhole(file, lines, numbered);
  if (count(whole) <= budgetTokens) return whole;

  let outline = outlineOf(file.symbols ?? [], []);
  const outlineBudget = Math.floor(budgetTokens * OUTLINE_SHARE);
  const keep = largestFitting(0, outline.length, (n) => count(outline.slice(0, n).join("\n")) <= outlineBudget);
  outline = outline.slice(0, Math.max(0, keep));
  const fits = (ranges: readonly LineRange[]) =>
    count(renderWindows(file, lines, ranges, outlineFor(ranges), style)) <= budgetTokens;
  const outlineFor = (ranges: readonly LineRange[]) => {
    const shown = new Set(outlineOf(file.symbols ?? [], ranges));
    return outline.filter((line) => shown.has(line));
  };

  let chosen: LineRange[] = [];
  for (const candidate of candidateWindows(file, lines.length, hints)) {
    const whole = mergeRanges([...chosen, candidate]);
    if (fits(whole)) {
      chosen = whole;
      continue;
    }
    // Shrink around the anchor: k lines on each side (whole lines, the anchor's neighbourhood kept).
    const half = largestFitting(1, Math.max(1, candidate.end - candidate.start), (k) =>
      fits(
        mergeRanges([
          ...chosen,
          {
            start: Math.max(candidate.start, candidate.anchor - k),
            end: Math.min(candidate.end, candidate.anchor + k),
          },
        ]),
      ),
    );
    if (half * 2 + 1 >= MIN_WINDOW_LINES) {
      chosen = mergeRanges([
        ...chosen,
        {
          start: Math.max(candidate.start, candidate.anchor - half),
          end: Math.min(candidate.end, candidate.anchor + half),
        },
      ]);
    }
    break;
  }
  if (chosen.length === 0) return undefined;
  return renderWindows(file, lines, chosen, outlineFor(chosen), style);
}

/**
 * Files within `budgetTokens`, in the order given (most important first): each whole when it fits, else focused
 * windows (see {@link renderFocusedFile}); a file gets what the earlier ones left, but at most its share when later
 * files still wait. Files that get no room are named in one line. Returns `""` for no files.
 */
export function renderFocusedFiles(files: readonly FocusFile[], hints: FocusHints, options: FocusOptions): string {
  if (files.length === 0) return "";
  const title = options.title ?? "## Files";
  const parts = [title];
  let left = options.budgetTokens - options.count(title) - 40;
  const omitted: string[] = [];
  files.forEach((file, index) => {
    const waiting = files.length - index - 1;
    // The first file may take most of the room; later ones share what is left.
    const share = waiting === 0 ? left : Math.floor(left * (index === 0 ? 0.7 : 0.5));
    const rendered = share > 0 ? renderFocusedFile(file, hints, { ...options, budgetTokens: share }) : undefined;
    if (!rendered) {
      omitted.push(escapePromptName(file.path));
      return;
    }
    parts.push(rendered);
    left -= options.count(rendered) + 1;
  });
  if (omitted.length > 0) {
    parts.push(`(Not shown for lack of room${options.canRead ? "; ask with `read`" : ""}: ${omitted.join(", ")})`);
  }
  return parts.length > 1 ? parts.join("\n\n") : "";
}
