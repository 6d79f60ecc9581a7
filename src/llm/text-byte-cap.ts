import { utf8Head } from "./answer-cap.js";

/**
 * Stops a streamed answer at a byte cap (see `answerByteCap`): text chunks go on to `onTextChunk` until their UTF-8
 * bytes pass `byteCap`; then {@link signal} aborts, so generation stops as on an abort, and later chunks are
 * dropped. The answer keeps what came before the cap ({@link cut}).
 */
export class TextByteCap {
  private readonly controller = new AbortController();
  private bytes = 0;

  /**
   * @param byteCap  most UTF-8 bytes of answer text
   * @param onTextChunk  receives the text chunks within the cap
   */
  constructor(
    readonly byteCap: number,
    private readonly onTextChunk?: (text: string) => void,
  ) {}

  /** Aborts when the text passed the cap. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True once the text passed the cap. */
  get reached(): boolean {
    return this.controller.signal.aborted;
  }

  /** Takes the next text chunk (a function, to hand to the generator as its chunk callback). */
  readonly push = (text: string): void => {
    if (this.reached) return;
    this.bytes += Buffer.byteLength(text);
    if (this.bytes > this.byteCap) this.controller.abort();
    else this.onTextChunk?.(text);
  };

  /** The answer: `text` cut at the cap once the cap was passed, else `text` as generated. */
  cut(text: string): string {
    return this.reached ? utf8Head(text, this.byteCap) : text;
  }
}
