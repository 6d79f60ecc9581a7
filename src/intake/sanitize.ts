import { stripHiddenMarkup } from "./hidden-markup.js";
import { stripInvisibleCharacterReferences, stripInvisibleCharacters } from "./invisible-characters.js";
import { stripInvisibleMarkdown } from "./markdown-hidden.js";

export { delimitUntrusted, UNTRUSTED_TAG } from "./delimit.js";

/** Cap on an issue title, characters. */
export const MAX_TITLE_CHARS = 256;
/** Cap on an issue body, characters. */
export const MAX_BODY_CHARS = 20_000;
/** Cap on extra instructions (the text after `/tanuki fix`), characters. */
export const MAX_INSTRUCTIONS_CHARS = 4_000;

/** Marker appended to text cut at its cap. */
export const TRUNCATED_MARKER = "[truncated]";

/** Result of {@link sanitizeText}. */
export interface SanitizedText {
  /** The visible text, at most `maxChars` characters (UTF-16 code units). */
  text: string;
  /** True when the cleaned text was longer than `maxChars` and was cut (ending in {@link TRUNCATED_MARKER}). */
  truncated: boolean;
  /** What was removed, one entry per kind with its count, e.g. `3 zero-width characters`, `1 HTML comments`. */
  removed: string[];
}

/**
 * Removes spaces and tabs at the end of every line. A hand scan: `/[ \t]+$/gm` retries from every space of a long
 * run that is not at a line end, which is quadratic in the run's length.
 */
export function trimLineEnds(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      let end = line.length;
      while (end > 0 && (line[end - 1] === " " || line[end - 1] === "\t")) end -= 1;
      return end === line.length ? line : line.slice(0, end);
    })
    .join("\n");
}

/** Cuts `text` to at most `maxChars`, ending in the truncation marker, never splitting a surrogate pair. */
function cap(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const suffix = `\n${TRUNCATED_MARKER}`;
  if (maxChars <= suffix.length) return { text: TRUNCATED_MARKER.slice(0, Math.max(0, maxChars)), truncated: true };
  let end = maxChars - suffix.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: `${text.slice(0, end).trimEnd()}${suffix}`, truncated: true };
}

/**
 * Turns untrusted text (issue, comment, PR body) into what a human reader of the rendered page sees: removes HTML
 * comments (unterminated ones hide the rest of the text), hidden elements (`hidden`, `display:none`,
 * `visibility:hidden`, `font-size:0`, script/style/template), `[//]: # (...)` markdown comments, link reference
 * definitions no link uses, link/image titles, image alt text and `alt`/`title` attributes, zero-width,
 * bidi, Unicode tag, variation-selector and other invisible format characters (and numeric character references
 * to them); normalises line endings to `\n`; collapses the blank lines left behind; caps the size.
 *
 * Code blocks get no special treatment on purpose: a comment opened before a fence hides the fence too, and
 * protecting fences would let hidden text through. `<details>` content is visible and kept.
 *
 * @param options.maxChars  cap on the returned text, characters (UTF-16 code units), marker included
 */
export function sanitizeText(text: string, options: { maxChars: number }): SanitizedText {
  const removed: string[] = [];
  let out = text.replace(/\r\n?|\u2028|\u2029|\u0085/g, "\n");

  const chars = stripInvisibleCharacters(out);
  removed.push(...chars.removed);
  const refs = stripInvisibleCharacterReferences(chars.text);
  removed.push(...refs.removed);
  const markup = stripHiddenMarkup(refs.text);
  removed.push(...markup.removed);
  const markdown = stripInvisibleMarkdown(markup.text);
  removed.push(...markdown.removed);

  out = trimLineEnds(markdown.text)
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const capped = cap(out, options.maxChars);
  return { text: capped.text, truncated: capped.truncated, removed };
}

/** An issue (or command) as received: title, body and the requester's extra instructions. */
export interface RawIssue {
  title: string;
  body: string;
  instructions?: string;
}

/** Result of {@link sanitizeIssue}: the visible text of each field, capped, and what was removed from which. */
export interface SanitizedIssue {
  /** One line, at most {@link MAX_TITLE_CHARS}. */
  title: string;
  /** At most {@link MAX_BODY_CHARS}. */
  body: string;
  /** At most {@link MAX_INSTRUCTIONS_CHARS}; absent when none were given or nothing visible is left. */
  instructions?: string;
  /** True when any field was cut at its cap. */
  truncated: boolean;
  /** What was removed, prefixed by the field, e.g. `body: 1 HTML comments`. */
  removed: string[];
}

/**
 * Sanitizes an issue's title, body and instructions with {@link sanitizeText} and the exported caps. The title is
 * made one line (line breaks become spaces).
 */
export function sanitizeIssue(issue: RawIssue): SanitizedIssue {
  const title = sanitizeText(issue.title.replace(/[\r\n]+/g, " "), { maxChars: MAX_TITLE_CHARS });
  const body = sanitizeText(issue.body, { maxChars: MAX_BODY_CHARS });
  const instructions =
    issue.instructions === undefined
      ? undefined
      : sanitizeText(issue.instructions, { maxChars: MAX_INSTRUCTIONS_CHARS });
  const removed = [
    ...title.removed.map((r) => `title: ${r}`),
    ...body.removed.map((r) => `body: ${r}`),
    ...(instructions?.removed.map((r) => `instructions: ${r}`) ?? []),
  ];
  return {
    title: title.text.replace(/\s+/g, " "),
    body: body.text,
    ...(instructions?.text ? { instructions: instructions.text } : {}),
    truncated: title.truncated || body.truncated || (instructions?.truncated ?? false),
    removed,
  };
}
