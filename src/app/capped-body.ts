import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * GitHub's limit on a webhook payload, bytes (25 MiB): GitHub never sends a larger delivery, so anything larger is
 * not from GitHub. See https://docs.github.com/en/webhooks/webhook-events-and-payloads#payload-cap
 */
export const GITHUB_PAYLOAD_LIMIT_BYTES = 25 * 1024 * 1024;

/**
 * Bytes still read (and dropped, never held) after a refusal, so the client can read the answer before the
 * connection closes: what a sender had already put into the socket buffers when the answer left (several MiB on a
 * fast link) must be drained, or the kernel resets the connection and the client may lose the answer.
 */
const LINGER_BYTES = 16 * 1024 * 1024;
/** How long a refused connection may stay half-open, ms. */
const LINGER_MS = 10_000;

/** Result of {@link readCappedBody}. */
export type CappedBody = { ok: true; body: Buffer } | { ok: false; reason: "too-large"; received: number };

/**
 * Read a request's body while counting it, and stop at the first chunk that passes `limit` bytes: no more than
 * `limit` bytes (plus one chunk) are ever held. A `Content-Length` above the limit is refused before reading at all.
 * On refusal the request is paused; answer it with {@link refuseTooLarge}.
 *
 * @param limit bytes
 * @throws Error when the connection fails or is aborted before the body ends
 */
export function readCappedBody(req: IncomingMessage, limit: number): Promise<CappedBody> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.resolve({ ok: false, reason: "too-large", received: 0 });
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        cleanup();
        req.pause();
        chunks.length = 0;
        resolve({ ok: false, reason: "too-large", received });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ ok: true, body: Buffer.concat(chunks, received) });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error("request aborted"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}

/**
 * Answer `413 Payload Too Large` at once (the body has not ended), then close the connection once the sender stops:
 * the rest of the body is read and dropped (never held), at most 16 MiB of it and for at most 10 s idle, then the
 * socket is destroyed. Closing at once would reset a connection with unread data in it, and the sender could lose
 * the answer; reading on without a bound would let it stream forever. The reading starts before the answer is
 * written, so Node's server does not take over the draining (it drains without a bound).
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const socket = req.socket;
  let dropped = 0;
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > LINGER_BYTES) socket.destroy();
  });
  req.on("end", () => socket.destroy());
  req.resume();
  socket.setTimeout(LINGER_MS, () => socket.destroy());
  const body = JSON.stringify({ error: `Payload Too Large: webhook payloads are at most ${limit} bytes` });
  res.writeHead(413, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}
