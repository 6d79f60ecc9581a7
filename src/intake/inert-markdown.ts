import type { Token } from "markdown-it";
import MarkdownIt from "markdown-it";
import { fencedCodeBlock } from "../core/markdown.js";
import { codeSpan, escapePipes, inertText, isRiskyWord } from "./inert-text.js";

/**
 * Model-written Markdown made inert for GitHub: it keeps its shape (paragraphs, headings, lists, quotes, tables,
 * emphasis, code) while images, raw HTML, links, autolinks, mentions, references and closing keywords are shown as
 * code. Parsed with markdown-it (CommonMark + GFM tables and strikethrough, linkify off: bare URLs stay words that
 * inert-text.ts turns into code), then written back token by token, so nothing the model wrote reaches GitHub
 * as markup except what this module emits itself. The result is parsed again and checked; on any surprise the
 * whole text is shown as one code block (or code span) instead.
 */

/** Longest input rendered, characters: half of GitHub's cap on a whole comment or pull request body (65,536). */
export const MAX_INERT_INPUT_CHARS = 32_768;

/** Marker appended when the input was cut at {@link MAX_INERT_INPUT_CHARS}. */
const CUT_MARKER = " … (cut)";

/** Code block languages GitHub renders as something live (diagrams, maps, 3D, suggested changes). */
const LIVE_FENCE_LANGUAGES = new Set(["mermaid", "geojson", "topojson", "stl", "math", "suggestion"]);

/** Options of {@link inertMarkdown}. */
export interface InertOptions {
  /**
   * Links whose URL starts with this prefix stay links: the repository's own pages, e.g.
   * `https://github.com/owner/repo/`. Default: none, every link is shown as code.
   */
  allowLinksUnder?: string;
  /** One line: blocks joined with spaces, code blocks as code spans (list items, table cells). Default false. */
  inline?: boolean;
  /** Inside a table cell: implies `inline`, and every `|` is escaped. Default false. */
  cell?: boolean;
}

const parser = new MarkdownIt("default", { html: true, linkify: false });

/** Index of the token closing the one opened at `open` (same level, `_close` type). */
function closeOf(tokens: Token[], open: number): number {
  const opener = tokens[open] as Token;
  const type = opener.type.replace(/_open$/, "_close");
  for (let i = open + 1; i < tokens.length; i += 1) {
    const t = tokens[i] as Token;
    if (t.type === type && t.level === opener.level) return i;
  }
  return tokens.length - 1;
}

/** Lines trimmed and joined with single spaces (a hand scan: a regex over spaces around newlines is quadratic). */
function oneLine(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .join(" ");
}

/** True when `href` lies under the allowed prefix (same origin, path below it). */
function allowedLink(href: string, prefix: string | undefined): boolean {
  if (!prefix) return false;
  try {
    const url = new URL(href);
    const base = new URL(prefix);
    return url.origin === base.origin && `${url.pathname}/`.startsWith(base.pathname.replace(/\/?$/, "/"));
  } catch {
    return false;
  }
}

interface Writer {
  options: InertOptions;
}

/** Inline tokens (the children of one `inline` token) as inert Markdown. */
function renderInline(tokens: Token[], w: Writer): string {
  let out = "";
  for (let i = 0; i < tokens.length; i += 1) {
    const t = tokens[i] as Token;
    switch (t.type) {
      case "text":
        out += inertText(t.content);
        break;
      case "code_inline":
        out += codeSpan(t.content);
        break;
      case "softbreak":
      case "hardbreak":
        out += "\n";
        break;
      case "html_inline":
        out += codeSpan(t.content);
        break;
      case "image":
        out += `\\[image ${codeSpan(String(t.attrGet("src") ?? ""))}${t.content ? `: ${inertText(t.content)}` : ""}\\]`;
        break;
      case "em_open":
      case "em_close":
        out += "*";
        break;
      case "strong_open":
      case "strong_close":
        out += "**";
        break;
      case "s_open":
      case "s_close":
        out += "~~";
        break;
      case "link_open": {
        const close = closeOf(tokens, i);
        const href = String(t.attrGet("href") ?? "");
        const inner = renderInline(tokens.slice(i + 1, close), w);
        if (allowedLink(href, w.options.allowLinksUnder)) out += `[${inner}](${linkDestination(href)})`;
        else if (t.markup === "autolink") out += codeSpan(href);
        else out += `${inner} (${codeSpan(href)})`;
        i = close;
        break;
      }
      default:
        out += inertText(t.content);
    }
  }
  return out;
}

/** A link destination that cannot end early: plain when it has no space, parenthesis or angle bracket, else `<…>`. */
function linkDestination(href: string): string {
  const encoded = encodeURI(decodeSafely(href));
  return /^[^\s()<>]+$/.test(encoded) ? encoded : `<${encoded}>`;
}

function decodeSafely(href: string): string {
  try {
    return decodeURI(href);
  } catch {
    return href;
  }
}

/** The language of a code fence, kept only when it is a plain tag and not one GitHub renders live. */
function fenceLanguage(info: string): string {
  const lang = info.trim().split(/\s/)[0] ?? "";
  if (!/^[A-Za-z0-9_+.#-]{1,30}$/.test(lang)) return "";
  return LIVE_FENCE_LANGUAGES.has(lang.toLowerCase()) ? "text" : lang;
}

/** Prefixes every line: the first with `first`, the others with `rest` (blank lines get the trimmed prefix). */
function prefixLines(text: string, first: string, rest: string): string {
  return text
    .split("\n")
    .map((line, i) => {
      const prefix = i === 0 ? first : rest;
      return line === "" ? prefix.trimEnd() : prefix + line;
    })
    .join("\n");
}

/** Block tokens `[from, to)` as inert Markdown blocks, joined by blank lines (spaces when inline). */
function renderBlocks(tokens: Token[], from: number, to: number, w: Writer): string {
  const blocks: string[] = [];
  for (let i = from; i < to; i += 1) {
    const t = tokens[i] as Token;
    if (t.type === "inline") {
      blocks.push(renderInline(t.children ?? [], w));
    } else if (t.type === "heading_open") {
      const inner = oneLine(renderInline(tokens[i + 1]?.children ?? [], w));
      blocks.push(w.options.inline ? inner : `${"#".repeat(Number(t.tag.slice(1)) || 1)} ${inner}`);
      i = closeOf(tokens, i);
    } else if (t.type === "bullet_list_open" || t.type === "ordered_list_open") {
      const close = closeOf(tokens, i);
      blocks.push(renderList(tokens, i, close, w));
      i = close;
    } else if (t.type === "blockquote_open") {
      const close = closeOf(tokens, i);
      const inner = renderBlocks(tokens, i + 1, close, w);
      blocks.push(w.options.inline ? inner : prefixLines(inner, "> ", "> "));
      i = close;
    } else if (t.type === "table_open") {
      const close = closeOf(tokens, i);
      blocks.push(renderTable(tokens, i, close, w));
      i = close;
    } else if (t.type === "fence" || t.type === "code_block" || t.type === "html_block") {
      const lang = t.type === "fence" ? fenceLanguage(t.info) : "";
      blocks.push(w.options.inline ? codeSpan(t.content.trimEnd()) : fencedCodeBlock(t.content, lang));
    } else if (t.type === "hr") {
      blocks.push(w.options.inline ? "—" : "---");
    }
  }
  return blocks.filter((b) => b !== "").join(w.options.inline ? " " : "\n\n");
}

function renderList(tokens: Token[], open: number, close: number, w: Writer): string {
  const ordered = tokens[open]?.type === "ordered_list_open";
  let n = Number(tokens[open]?.attrGet("start") ?? 1) || 1;
  const items: string[] = [];
  for (let i = open + 1; i < close; i += 1) {
    if (tokens[i]?.type !== "list_item_open") continue;
    const end = closeOf(tokens, i);
    const inner = renderBlocks(tokens, i + 1, end, w);
    const marker = ordered ? `${n}. ` : "- ";
    n += 1;
    items.push(w.options.inline ? `${marker}${inner}` : prefixLines(inner, marker, " ".repeat(marker.length)));
    i = end;
  }
  return items.join(w.options.inline ? " " : "\n");
}

function renderTable(tokens: Token[], open: number, close: number, w: Writer): string {
  const rows: string[][] = [];
  let row: string[] = [];
  const cellWriter: Writer = { options: { ...w.options, inline: true } };
  for (let i = open + 1; i < close; i += 1) {
    const t = tokens[i] as Token;
    if (t.type === "tr_open") row = [];
    else if (t.type === "tr_close") rows.push(row);
    else if (t.type === "inline") row.push(escapePipes(oneLine(renderInline(t.children ?? [], cellWriter))));
  }
  if (w.options.inline) return rows.map((r) => r.join(" · ")).join(" — ");
  const width = Math.max(1, ...rows.map((r) => r.length));
  const line = (cells: string[]) => `| ${Array.from({ length: width }, (_, k) => cells[k] ?? "").join(" | ")} |`;
  return [line(rows[0] ?? []), line(Array(width).fill("---")), ...rows.slice(1).map(line)].join("\n");
}

/** True when parsing `markdown` finds only what this module emits: no image, no HTML, no foreign link, no risky word. */
function isInert(markdown: string, options: InertOptions): boolean {
  const check = (tokens: Token[]): boolean =>
    tokens.every((t) => {
      if (t.type === "image" || t.type === "html_inline" || t.type === "html_block") return false;
      if (t.type === "link_open" && !allowedLink(String(t.attrGet("href") ?? ""), options.allowLinksUnder))
        return false;
      if (t.type === "text" && t.content.split(/\s+/).some(isRiskyWord)) return false;
      if (t.type === "fence" && LIVE_FENCE_LANGUAGES.has(fenceLanguage(t.info).toLowerCase())) return false;
      return check(t.children ?? []);
    });
  return check(parser.parse(markdown, {}));
}

/**
 * Renders model-written Markdown so that GitHub shows it without acting on it (see the module comment).
 * Deterministic; input longer than {@link MAX_INERT_INPUT_CHARS} is cut first (the parser is linear but not
 * free: about 0.3 s for 32 KiB of its worst input). Tanuki's own Markdown around it is never passed through here.
 *
 * @returns Markdown; one line when `options.inline` or `options.cell`
 */
export function inertMarkdown(text: string, options: InertOptions = {}): string {
  const inline = options.inline === true || options.cell === true;
  const opts: InertOptions = { ...options, inline };
  const input = text.length > MAX_INERT_INPUT_CHARS ? `${text.slice(0, MAX_INERT_INPUT_CHARS)}${CUT_MARKER}` : text;
  const tokens = parser.parse(input, {});
  let out = renderBlocks(tokens, 0, tokens.length, { options: opts }).trim();
  if (inline) out = oneLine(out);
  if (options.cell) out = escapePipes(out);
  if (isInert(out, opts)) return out;
  // The parser saw something the writer did not expect: show everything as code rather than risk markup.
  return inline ? codeSpan(input) : fencedCodeBlock(input, "text");
}

/** {@link inertMarkdown} on one line, for list items and paragraphs inside Tanuki's own Markdown. */
export const inertInline = (text: string, options: Omit<InertOptions, "inline" | "cell"> = {}) =>
  inertMarkdown(text, { ...options, inline: true });

/** {@link inertMarkdown} for one table cell: one line, every `|` escaped. */
export const inertCell = (text: string, options: Omit<InertOptions, "inline" | "cell"> = {}) =>
  inertMarkdown(text, { ...options, cell: true });
