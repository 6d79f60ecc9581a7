/** Counts the tokens of a text for one model (a real tokenizer, or {@link estimateTokens}). */
export type TokenCounter = (text: string) => number;

/** Characters per token assumed by {@link estimateTokens}: a common rule of thumb for English text and code. */
export const CHARS_PER_TOKEN = 4;

/** Rough token count without a tokenizer: one token per {@link CHARS_PER_TOKEN} characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/**
 * The largest `n` in `[lo, hi]` for which `fits(n)` holds, assuming `fits` is monotone (true up to some point,
 * false after); `lo - 1` when even `lo` does not fit. Used to fit lists of lines into a token budget with few
 * calls to a possibly slow tokenizer (about log2(hi - lo) calls).
 */
export function largestFitting(lo: number, hi: number, fits: (n: number) => boolean): number {
  let best = lo - 1;
  let a = lo;
  let b = hi;
  while (a <= b) {
    const mid = Math.floor((a + b) / 2);
    if (fits(mid)) {
      best = mid;
      a = mid + 1;
    } else {
      b = mid - 1;
    }
  }
  return best;
}
