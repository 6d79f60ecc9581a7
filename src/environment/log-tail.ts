/** Lines kept for progress events (status comment, CLI line). */
export const PROGRESS_LINES = 8;
/** Characters kept per progress line. */
const PROGRESS_LINE_CHARS = 300;

/**
 * The tail of a streaming log: keeps the last `maxChars` characters of everything pushed (the end of an install
 * log is what explains a failure; npm, pip and cargo print their error last), and hands the last few lines to
 * `onLines` at most once per `intervalMs` (plus once on {@link flush}), so a chatty install does not flood the
 * status comment. The clock is injectable for tests.
 */
export class LogTail {
  #text = "";
  #lastEmit = Number.NEGATIVE_INFINITY;
  #pending = false;

  constructor(
    private readonly maxChars: number,
    private readonly onLines: ((lines: string[]) => void) | undefined,
    private readonly intervalMs = 2_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Adds output. */
  push(text: string): void {
    this.#text = (this.#text + text).slice(-this.maxChars);
    this.#pending = true;
    if (this.now() - this.#lastEmit >= this.intervalMs) this.flush();
  }

  /** Emits the latest lines now when something new arrived since the last emit. */
  flush(): void {
    if (!this.#pending || !this.onLines) return;
    this.#pending = false;
    this.#lastEmit = this.now();
    this.onLines(this.lines(PROGRESS_LINES).map((line) => line.slice(0, PROGRESS_LINE_CHARS)));
  }

  /** The last `count` non-empty lines (carriage-return progress bars reduced to their last state). */
  lines(count: number): string[] {
    return this.#text
      .split("\n")
      .map(
        (line) =>
          line
            .split("\r")
            .filter((part) => part.trim() !== "")
            .at(-1) ?? "",
      )
      .filter((line) => line.trim() !== "")
      .slice(-count);
  }

  /** Everything kept (at most `maxChars` characters). */
  text(): string {
    return this.#text;
  }
}
