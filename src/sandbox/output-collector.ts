/**
 * Collects the output of one `docker exec` without a TTY, where the engine multiplexes stdout and stderr on
 * one stream: each frame is an 8-byte header (byte 0: stream, 1 = stdout, 2 = stderr; bytes 4..7: payload
 * length, big-endian uint32) followed by the payload. Format: Docker Engine API, "Attach to a container"
 * (the same framing dockerode's `modem.demuxStream` parses).
 *
 * Unlike `demuxStream`, it keeps at most `maxBytes` bytes of payload (stdout and stderr together) and drops the
 * rest, so a command that floods its output costs bounded memory however long it runs.
 */
export class OutputCollector {
  readonly #maxBytes: number;
  readonly #stdout: Buffer[] = [];
  readonly #stderr: Buffer[] = [];
  readonly #header = Buffer.alloc(8);
  #headerFill = 0;
  #frameLeft = 0;
  #frameStream = 0;
  #kept = 0;
  #truncated = false;

  readonly #onPayload: ((payload: Buffer) => void) | undefined;

  /**
   * @param maxBytes  most payload bytes kept, stdout and stderr together (>= 0)
   * @param onPayload  called with every payload as it arrives (stdout and stderr, also past the cap): live output
   */
  constructor(maxBytes: number, onPayload?: (payload: Buffer) => void) {
    this.#maxBytes = Math.max(0, Math.floor(maxBytes));
    this.#onPayload = onPayload;
  }

  /** True once payload past `maxBytes` has been dropped. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** Feed the next raw chunk of the multiplexed stream (frames may span chunks). */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.#frameLeft === 0) {
        const take = Math.min(8 - this.#headerFill, chunk.length - offset);
        chunk.copy(this.#header, this.#headerFill, offset, offset + take);
        this.#headerFill += take;
        offset += take;
        if (this.#headerFill < 8) return;
        this.#headerFill = 0;
        this.#frameStream = this.#header[0] ?? 0;
        this.#frameLeft = this.#header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.#frameLeft, chunk.length - offset);
      const payload = chunk.subarray(offset, offset + take);
      this.#onPayload?.(payload);
      this.#keep(payload);
      this.#frameLeft -= take;
      offset += take;
    }
  }

  /** The output kept so far, decoded as UTF-8 (a character cut at the cap decodes as U+FFFD). */
  result(): { stdout: string; stderr: string; truncated: boolean } {
    return {
      stdout: Buffer.concat(this.#stdout).toString("utf8"),
      stderr: Buffer.concat(this.#stderr).toString("utf8"),
      truncated: this.#truncated,
    };
  }

  #keep(payload: Buffer): void {
    const room = this.#maxBytes - this.#kept;
    if (payload.length > room) this.#truncated = true;
    if (room <= 0) return;
    // Copy: the chunk's backing memory belongs to the socket and may be large.
    const kept = Buffer.from(payload.subarray(0, room));
    this.#kept += kept.length;
    (this.#frameStream === 2 ? this.#stderr : this.#stdout).push(kept);
  }
}
