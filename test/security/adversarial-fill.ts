/**
 * Building blocks of the adversarial inputs (test/security/adversarial-text.ts and adversarial-reports.ts): the input
 * size, the filler, and the shape of one scanner case.
 */

/** Size of each adversarial input, characters (1 MiB of ASCII). */
export const ADVERSARIAL_CHARS = 1 << 20;

/** `unit` repeated (and cut) to exactly `chars` characters, then `tail`. */
export function fill(unit: string, chars = ADVERSARIAL_CHARS, tail = ""): string {
  return unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars) + tail;
}

/** One scanner run on one adversarial input. */
export interface ScannerCase {
  /** `scanner: shape`, unique. */
  name: string;
  /** Builds the input (lazily, so a filtered run builds only what it needs). */
  input: () => string;
  /** Runs the scanner; the result (awaited when it is a promise) is discarded. Must not throw. */
  run: (text: string) => unknown;
}
