import { inertCell, inertInline } from "../intake/inert-markdown.js";
import { codeSpan, escapePipes } from "../intake/inert-text.js";

/**
 * Escaping of untrusted text for the PR body's Markdown (tables and one-line text). Both render model text inert
 * (see intake's inert-markdown.ts): no images, raw HTML, links, autolinks, mentions, references or closing
 * keywords; the caller writes Tanuki's own `Fixes #n` outside them.
 */

/** One markdown table cell: one line, every `|` escaped, no markup from the model; `–` for undefined. */
export function cell(text: string | number | undefined): string {
  if (text === undefined) return "–";
  return inertCell(String(text));
}

/** Model text for a list item or paragraph, kept on one line. */
export function inline(text: string): string {
  return inertInline(text);
}

/** A value shown as code in one table cell (a test id, a path): a code span, every `|` escaped. */
export function codeCell(text: string): string {
  return escapePipes(codeSpan(text));
}
