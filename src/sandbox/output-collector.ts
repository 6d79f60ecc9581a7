/**
 * Collects the output of one `docker exec` without a TTY, where the engine multiplexes stdout and stderr on
 * one stream: each frame is an 8-byte header (byte 0: stream, 1 = stdout, 2 = stderr; bytes 4..7: payload
 * length, big-endian uint32) followed by the payload. Format: Docker Engine API, "Attach to a container"
 * (the same framing dockerode's `modem.demuxStream` parses).
 *
 * Unlike `demuxStream`, it keeps at most `maxBytes` bytes of payload (stdout and stderr together): the first half
 * and the last half of the output, in arrival order, and drops the middle, so a command that floods its output
 * costs bounded memory however long it runs, and what a long test run ends with (the summary line, the last
 * tracebacks) survives. Each stream that lost bytes gets one marker line where they were dropped.
 */
export class OutputCollector {
  /** The first `floor(maxBytes / 2)` payload bytes, in arrival order. */
  readonly #head: TaggedBytes;
  /** The last `ceil(maxBytes / 2)` payload bytes after the head, in arrival order. */
  readonly #tail: TaggedRing;
  readonly #header = Buffer.alloc(8);
  #headerFill = 0;
  #frameLeft = 0;
  #frameStream: Stream = 1;

  readonly #onPayload: ((payload: Buffer) => void) | undefined;

  /**
   * @param maxBytes  most payload bytes kept, stdout and stderr together (>= 0): the first `floor(maxBytes / 2)`
   *   and the last `ceil(maxBytes / 2)`
   * @param onPayload  called with every payload as it arrives (stdout and stderr, also past the cap): live output
   */
  constructor(maxBytes: number, onPayload?: (payload: Buffer) => void) {
    const max = Math.max(0, Math.floor(maxBytes));
    this.#head = new TaggedBytes(Math.floor(max / 2));
    this.#tail = new TaggedRing(max - Math.floor(max / 2));
    this.#onPayload = onPayload;
  }

  /** True once payload past `maxBytes` has been dropped (from the middle of the output). */
  get truncated(): boolean {
    return this.#tail.dropped[1] + this.#tail.dropped[2] > 0;
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
        this.#frameStream = this.#header[0] === 2 ? 2 : 1;
        this.#frameLeft = this.#header.readUInt32BE(4);
        continue;
      }
      const take = Math.min(this.#frameLeft, chunk.length - offset);
      const payload = chunk.subarray(offset, offset + take);
      this.#onPayload?.(payload);
      const taken = this.#head.append(payload, this.#frameStream);
      if (taken < payload.length) this.#tail.append(payload.subarray(taken), this.#frameStream);
      this.#frameLeft -= take;
      offset += take;
    }
  }

  /**
   * The output kept so far, decoded as UTF-8. When the middle was dropped, each stream that lost bytes reads
   * `<head>` + `\n[… N bytes of output dropped …]\n` + `<tail>`, the tail starting at a character boundary; a
   * character cut at the head's end decodes as U+FFFD.
   */
  result(): { stdout: string; stderr: string; truncated: boolean } {
    return { stdout: this.#text(1), stderr: this.#text(2), truncated: this.truncated };
  }

  #text(stream: Stream): string {
    const head = this.#head.bytesOf(stream).toString("utf8");
    const tail = this.#tail.bytesOf(stream);
    const dropped = this.#tail.dropped[stream];
    if (dropped === 0) return head + tail.toString("utf8");
    let start = 0;
    // The cut may fall inside a character: skip its continuation bytes (10xxxxxx).
    while (start < 3 && start < tail.length && ((tail[start] ?? 0) & 0xc0) === 0x80) start++;
    return `${head}\n[… ${dropped + start} bytes of output dropped …]\n${tail.subarray(start).toString("utf8")}`;
  }
}

/** 1 = stdout, 2 = stderr (Docker's stream ids). */
type Stream = 1 | 2;

/** The bytes of `tags`' positions equal to `stream`, in order (runs copied whole). */
function select(bytes: Buffer, tags: Uint8Array, length: number, stream: Stream): Buffer {
  const parts: Buffer[] = [];
  let i = 0;
  while (i < length) {
    let j = i;
    while (j < length && tags[j] === tags[i]) j++;
    if (tags[i] === stream) parts.push(bytes.subarray(i, j));
    i = j;
  }
  return Buffer.concat(parts);
}

/**
 * Bytes, each tagged with its stream, up to a capacity; storage grows by doubling, so small outputs cost little.
 * Copies what it keeps: a chunk's backing memory belongs to the socket and may be large.
 */
class TaggedBytes {
  #bytes = Buffer.alloc(0);
  #tags = new Uint8Array(0);
  #length = 0;

  constructor(private readonly capacity: number) {}

  /** Appends what fits of `payload`; returns how many bytes were taken. */
  append(payload: Buffer, stream: Stream): number {
    const take = Math.min(payload.length, this.capacity - this.#length);
    if (take <= 0) return 0;
    const needed = this.#length + take;
    if (needed > this.#bytes.length) {
      const size = Math.min(this.capacity, Math.max(needed, this.#bytes.length * 2, 4096));
      const bytes = Buffer.alloc(size);
      this.#bytes.copy(bytes, 0, 0, this.#length);
      const tags = new Uint8Array(size);
      tags.set(this.#tags.subarray(0, this.#length));
      this.#bytes = bytes;
      this.#tags = tags;
    }
    payload.copy(this.#bytes, this.#length, 0, take);
    this.#tags.fill(stream, this.#length, needed);
    this.#length = needed;
    return take;
  }

  bytesOf(stream: Stream): Buffer {
    return select(this.#bytes, this.#tags, this.#length, stream);
  }
}

/** The last `capacity` bytes appended, each tagged with its stream, and how many were dropped per stream. */
class TaggedRing {
  #bytes: Buffer | undefined;
  #tags: Uint8Array | undefined;
  /** Index of the oldest byte kept. */
  #start = 0;
  #length = 0;
  /** stderr bytes among those kept (so a ring of one stream drops without looking at each byte). */
  #stderrKept = 0;
  /** Bytes dropped, per stream (index 1: stdout, 2: stderr). */
  readonly dropped: [number, number, number] = [0, 0, 0];

  constructor(private readonly capacity: number) {}

  append(payload: Buffer, stream: Stream): void {
    let data = payload;
    if (data.length > this.capacity) {
      this.dropped[stream] += data.length - this.capacity;
      data = data.subarray(data.length - this.capacity);
    }
    if (data.length === 0) return;
    // Allocated on first use only: most commands never fill the head.
    this.#bytes ??= Buffer.alloc(this.capacity);
    this.#tags ??= new Uint8Array(this.capacity);
    const bytes = this.#bytes;
    const tags = this.#tags;
    const overflow = this.#length + data.length - this.capacity;
    if (overflow > 0) {
      let stderr = 0;
      if (this.#stderrKept === this.#length) stderr = overflow;
      else if (this.#stderrKept > 0) {
        for (let k = 0; k < overflow; k++) if (tags[(this.#start + k) % this.capacity] === 2) stderr++;
      }
      this.dropped[2] += stderr;
      this.dropped[1] += overflow - stderr;
      this.#stderrKept -= stderr;
      this.#start = (this.#start + overflow) % this.capacity;
      this.#length -= overflow;
    }
    let at = (this.#start + this.#length) % this.capacity;
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(data.length - offset, this.capacity - at);
      data.copy(bytes, at, offset, offset + n);
      tags.fill(stream, at, at + n);
      offset += n;
      at = (at + n) % this.capacity;
    }
    this.#length += data.length;
    if (stream === 2) this.#stderrKept += data.length;
  }

  bytesOf(stream: Stream): Buffer {
    if (!this.#bytes || !this.#tags || this.#length === 0) return Buffer.alloc(0);
    const end = this.#start + this.#length;
    const bytes =
      end <= this.capacity
        ? this.#bytes.subarray(this.#start, end)
        : Buffer.concat([this.#bytes.subarray(this.#start), this.#bytes.subarray(0, end - this.capacity)]);
    const tags = new Uint8Array(this.#length);
    const firstPart = this.#tags.subarray(this.#start, Math.min(end, this.capacity));
    tags.set(firstPart);
    if (end > this.capacity) tags.set(this.#tags.subarray(0, end - this.capacity), firstPart.length);
    return select(bytes, tags, this.#length, stream);
  }
}
