/**
 * `text` as a fenced Markdown code block whose fence is longer than any backtick run inside it, so nothing in
 * the text (a fence of its own, HTML, @-mentions, links) can end the block or render: the text stays inert.
 * Trailing newlines are dropped. Source of the rule: CommonMark, "Fenced code blocks" (a closing fence must be at
 * least as long as the opening one). Linear time in `text.length`, whatever the text (it is often test output).
 *
 * @param language  info string after the opening fence (e.g. `text`, `diff`); empty for none
 */
export function fencedCodeBlock(text: string, language = ""): string {
  const fence = "`".repeat(Math.max(2, longestBacktickRun(text)) + 1);
  let end = text.length;
  while (end > 0 && text[end - 1] === "\n") end -= 1;
  return `${fence}${language}\n${text.slice(0, end)}\n${fence}`;
}

/**
 * Length of the longest run of backticks in `text` (0 when none). A loop, not `Math.max(...matches)`: spreading
 * one argument per run throws a RangeError on text with hundreds of thousands of runs.
 */
export function longestBacktickRun(text: string): number {
  let longest = 0;
  let run = 0;
  for (let i = 0; i < text.length; i += 1) {
    run = text.charCodeAt(i) === 96 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  return longest;
}
