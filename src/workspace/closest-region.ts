import { textLines } from "./find-match.js";

/** Lowest mean line similarity (0..1) for a region to count as "close". */
const MIN_SIMILARITY = 0.3;
/** SEARCH lines used for scoring; longer blocks are scored on their start (keeps the scan ~O(file lines x 60)). */
const MAX_SCORED_LINES = 60;
/** Longest line shown, in characters. */
const MAX_LINE_CHARS = 160;

/** The region of a file most similar to a SEARCH block. */
export interface ClosestRegion {
  /** 1-based line number of the region's first line. */
  startLine: number;
  /** Mean line similarity, 0..1 (Dice coefficient over character bigrams of each trimmed line). */
  similarity: number;
  /** The region, each line prefixed with its line number, at most `maxLines` lines. */
  excerpt: string;
}

/**
 * Find the window of the file, as many lines long as the SEARCH block, whose lines are most similar to it.
 * Used to tell the coder where its SEARCH text almost matched.
 *
 * @param maxLines  longest excerpt in lines (default 12); longer windows are cut with a "…" line
 * @returns the region, or undefined when the file is empty or nothing reaches a similarity of 0.3
 */
export function findClosestRegion(content: string, search: string, maxLines = 12): ClosestRegion | undefined {
  const fileLines = textLines(content);
  const searchLines = textLines(search).slice(0, MAX_SCORED_LINES);
  if (fileLines.length === 0 || searchLines.length === 0) return undefined;
  const width = Math.min(searchLines.length, fileLines.length);
  const fileGrams = fileLines.map(bigrams);
  const searchGrams = searchLines.slice(0, width).map(bigrams);

  let best = { index: 0, score: -1 };
  for (let i = 0; i + width <= fileLines.length; i++) {
    let total = 0;
    for (let j = 0; j < width; j++) total += dice(searchGrams[j] as Grams, fileGrams[i + j] as Grams);
    const score = total / width;
    if (score > best.score) best = { index: i, score };
  }
  if (best.score < MIN_SIMILARITY) return undefined;

  const shown = fileLines.slice(best.index, best.index + Math.min(width, maxLines));
  const numberWidth = String(best.index + shown.length).length;
  const excerpt = shown.map((line, k) => {
    const text = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
    return `${String(best.index + k + 1).padStart(numberWidth)} | ${text}`;
  });
  if (width > maxLines) excerpt.push("… (more lines)");
  return { startLine: best.index + 1, similarity: best.score, excerpt: excerpt.join("\n") };
}

interface Grams {
  counts: Map<string, number>;
  size: number;
  /** The whitespace-collapsed line, to score lines too short to have bigrams. */
  text: string;
}

function bigrams(line: string): Grams {
  const text = line.trim().replace(/\s+/g, " ");
  const counts = new Map<string, number>();
  for (let i = 0; i + 1 < text.length; i++) {
    const gram = text.slice(i, i + 2);
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
  }
  return { counts, size: Math.max(0, text.length - 1), text };
}

function dice(a: Grams, b: Grams): number {
  if (a.size === 0 || b.size === 0) return a.text === b.text ? 1 : 0;
  const [small, large] = a.counts.size <= b.counts.size ? [a, b] : [b, a];
  let shared = 0;
  for (const [gram, count] of small.counts) shared += Math.min(count, large.counts.get(gram) ?? 0);
  return (2 * shared) / (a.size + b.size);
}
