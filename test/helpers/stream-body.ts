import { connect } from "node:net";

/** What the attacker saw: the answer, and how many body bytes it had handed to its socket when the answer came. */
export interface StreamAnswer {
  status: number;
  text: string;
  /** Body bytes written before the first byte of the answer arrived. */
  sentBeforeAnswer: number;
  /** Whether the whole body had been written (and ended) before the answer. */
  bodyEnded: boolean;
  /** Body bytes written before the connection closed or failed (with `keepSending`: how far the sender got). */
  sentBeforeClose: number;
  /** Whether the whole body had been written (and ended) before the connection closed. */
  bodyEndedBeforeClose: boolean;
}

/** Options of {@link streamBody}. */
export interface StreamBodyOptions {
  /** Send `content-length: N` instead of chunked encoding. */
  contentLength?: number;
  /**
   * Keep writing after the answer, as a sender that ignores it does, until the body ends or the connection is
   * closed or reset under it. Default false: stop writing (and hang up) once the answer is in.
   */
  keepSending?: boolean;
}

/**
 * POST `total` bytes to `url` in 64 KiB chunks (chunked encoding unless `contentLength` is given), respecting
 * backpressure, and stop writing as soon as an answer arrives (unless `keepSending`). Memory on this side stays one
 * chunk. Resolves when the connection closes; rejects when it closed without any answer.
 *
 * Written on a raw TCP socket, as an attacker would: an HTTP client that an interceptor wraps (nock wraps
 * `http.request` in tests) may buffer the whole body before sending any of it.
 */
export function streamBody(
  url: string,
  total: number,
  headers: Record<string, string>,
  options: StreamBodyOptions = {},
): Promise<StreamAnswer> {
  const { contentLength, keepSending = false } = options;
  const target = new URL(url);
  const chunked = contentLength === undefined;
  const head = [
    `POST ${target.pathname}${target.search} HTTP/1.1`,
    `host: ${target.host}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    chunked ? "transfer-encoding: chunked" : `content-length: ${contentLength}`,
    "",
    "",
  ].join("\r\n");
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, " ");
    let sent = 0;
    let ended = false;
    let answered: { sentBeforeAnswer: number; bodyEnded: boolean } | undefined;
    const received: Buffer[] = [];
    const socket = connect(Number(target.port), target.hostname);
    const finish = () => {
      const closed = { sentBeforeClose: sent, bodyEndedBeforeClose: ended };
      if (!answered) {
        reject(new Error(`connection closed without an answer after ${sent} body bytes`));
        return;
      }
      const text = Buffer.concat(received).toString("utf8");
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const bodyStart = text.indexOf("\r\n\r\n");
      resolve({ status, text: bodyStart < 0 ? "" : text.slice(bodyStart + 4), ...answered, ...closed });
    };
    socket.on("data", (data: Buffer) => {
      answered ??= { sentBeforeAnswer: sent, bodyEnded: ended };
      received.push(data);
      // Once the whole answer is in, hang up as a client that got its answer does (the server may wait for more).
      if (!keepSending && answerComplete(Buffer.concat(received).toString("latin1"))) socket.end();
    });
    // The server may reset the connection after answering (it stops reading an oversized body): not a failure.
    socket.on("error", () => undefined);
    socket.on("close", finish);
    const writing = () => (keepSending || !answered) && !socket.destroyed;
    const pump = () => {
      while (writing() && sent < total) {
        const size = Math.min(chunk.length, total - sent);
        const piece = chunk.subarray(0, size);
        sent += size;
        const framed = chunked
          ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece, Buffer.from("\r\n")])
          : piece;
        if (!socket.write(framed)) {
          socket.once("drain", pump);
          return;
        }
      }
      if (writing() && !ended) {
        ended = true;
        socket.write(chunked ? "0\r\n\r\n" : "");
      }
    };
    socket.once("connect", () => {
      socket.write(head);
      pump();
    });
  });
}

/** Whether `text` holds a response's head and as many body bytes as its `content-length` says. */
function answerComplete(text: string): boolean {
  const headEnd = text.indexOf("\r\n\r\n");
  if (headEnd < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, headEnd))?.[1];
  return length !== undefined && text.length - headEnd - 4 >= Number(length);
}
