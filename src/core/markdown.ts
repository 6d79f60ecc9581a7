/**
 * `text` as a fenced Markdown code block whose fence is longer than any backtick run inside it, so nothing in
 * the text (a fence of its own, HTML, @-mentions, links) can end the block or render: the text stays inert.
 * Trailing newlines are dropped. Source of the rule: CommonMark, "Fenced code blocks" (a closing fence must be at
 * least as long as the opening one).
 *
 * @param language  info string after the opening fence (e.g. `text`, `diff`); empty for none
 */
export function fencedCodeBlock(text: string, language = ""): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${language}\n${text.replace(/\n+$/, "")}\n${fence}`;
}
