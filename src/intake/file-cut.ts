/**
 * A file quoted into a prompt only in part: reads of repository files for prompts are capped
 * (`RunConfig.promptFileBytes`), so a huge file (1 GiB named in an issue) costs at most the cap in memory, and the
 * prompt says what it shows so the model does not take the head for the whole file.
 */

/** How much of a file a prompt shows when it shows only the file's head. */
export interface FileCut {
  /** Size of the file on disk, bytes. */
  size: number;
  /** Bytes of the file's start that the quoted content holds (whole lines). */
  shownBytes: number;
}

/**
 * The content to quote for a read head: whole files as they are; a cut file ends at its last whole line (no half
 * line, no U+FFFD from a character cut in two), with `cut` saying how much of how much it is. A cut file without a
 * line end in its head keeps its head as read.
 */
export function quotableHead(head: { content: string; size: number; truncated: boolean }): {
  content: string;
  cut?: FileCut;
} {
  if (!head.truncated) return { content: head.content };
  const lastLineEnd = head.content.lastIndexOf("\n");
  const content = lastLineEnd >= 0 ? head.content.slice(0, lastLineEnd + 1) : head.content;
  return { content, cut: { size: head.size, shownBytes: Buffer.byteLength(content) } };
}

/** `1,048,576` style: sizes in prompts are read by models and people. */
function formatBytes(bytes: number): string {
  return bytes.toLocaleString("en-US");
}

/** Header words for a cut file, e.g. `only its first 262,144 of 1,073,741,824 bytes are shown; the rest cannot be read`. */
export function describeCut(cut: FileCut): string {
  return `only its first ${formatBytes(cut.shownBytes)} of ${formatBytes(cut.size)} bytes are shown; the rest cannot be read`;
}
