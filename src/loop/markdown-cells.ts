/** Escaping of untrusted text for the PR body's Markdown (tables and one-line text). */

/** Escapes a value for one markdown table cell: no pipes, no line breaks, no HTML, no @-mentions. */
export function cell(text: string | number | undefined): string {
  if (text === undefined) return "–";
  return String(text)
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/@/g, "@\u200b")
    .replace(/\s*\n\s*/g, " ")
    .trim();
}

/** Plain text for a list item or paragraph: HTML neutralised, mentions defused, kept on one line. */
export function inline(text: string): string {
  return text
    .replace(/</g, "&lt;")
    .replace(/@/g, "@\u200b")
    .replace(/\s*\n\s*/g, " ")
    .trim();
}
