import { longestBacktickRun } from "../core/markdown.js";

/**
 * Building blocks of inert GitHub Markdown (see inert-markdown.ts): plain text whose every active character is
 * escaped, and code spans that nothing can close early. "Active" means what GitHub turns into something that acts
 * without a click being the reader's own choice: images (fetched by the reader's browser through GitHub's proxy),
 * raw HTML, links and autolinks, `@user`/`@org/team` mentions (notifications), issue references and closing
 * keywords (`Closes #7`, `fixes owner/repo#3`, `GH-7`), and entities that decode to any of these (`&#64;`).
 */

/**
 * True when a whitespace-separated word would become a mention, a reference, an autolink or an email link on
 * GitHub: it holds `@`, `#`, `://`, `www.` or `GH-<digit>`. Such words are shown as code instead.
 */
export function isRiskyWord(word: string): boolean {
  if (word.includes("@") || word.includes("#") || word.includes("://")) return true;
  const lower = word.toLowerCase();
  if (lower.includes("www.")) return true;
  const gh = lower.indexOf("gh-");
  return gh !== -1 && lower.charCodeAt(gh + 3) >= 48 && lower.charCodeAt(gh + 3) <= 57;
}

/** Characters escaped in text: every one that can start or end inline markup, an entity, math or a table cell. */
const ESCAPED = new Set(["\\", "`", "*", "_", "[", "]", "<", ">", "!", "&", "~", "$", "|"]);

/** Backslash-escapes the active characters of `text` (which must hold no risky word; see {@link inertText}). */
function escapeChars(text: string): string {
  let out = "";
  for (const c of text) out += ESCAPED.has(c) ? `\\${c}` : c;
  return out;
}

/**
 * Escapes every `|` that is not escaped yet (preceded by an even number of backslashes), the way GFM splits table
 * cells: after it, text can sit in one table cell, code spans included.
 */
export function escapePipes(text: string): string {
  let out = "";
  let backslashes = 0;
  for (const c of text) {
    if (c === "|" && backslashes % 2 === 0) out += "\\";
    backslashes = c === "\\" ? backslashes + 1 : 0;
    out += c;
  }
  return out;
}

/**
 * A code span holding `content` verbatim (line breaks become spaces): the backtick fence is one longer than the
 * longest backtick run inside, so the content cannot close it; padded with spaces when it starts or ends with a
 * backtick or a space (CommonMark strips one space on each side).
 */
export function codeSpan(content: string): string {
  const flat = content.replace(/\r?\n|\r/g, " ");
  const fence = "`".repeat(longestBacktickRun(flat) + 1);
  const pad = /^[` ]|[` ]$/.test(flat) ? " " : "";
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * Text that renders as itself and nothing more: risky words (see {@link isRiskyWord}) become code spans, every
 * other active character is backslash-escaped. Whitespace is kept as it is.
 */
export function inertText(text: string): string {
  let out = "";
  let word = "";
  const flush = () => {
    out += isRiskyWord(word) ? codeSpan(word) : escapeChars(word);
    word = "";
  };
  for (const c of text) {
    if (c === " " || c === "\n" || c === "\t") {
      if (word) flush();
      out += c;
    } else {
      word += c;
    }
  }
  if (word) flush();
  return out;
}
