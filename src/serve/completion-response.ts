import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { CompletionSink } from "./chat-completions.js";

/**
 * Runs `produce` with a {@link CompletionSink} over a Hono context and resolves with the HTTP response as soon
 * as `produce` decides its shape: `sink.json` answers one JSON body (status as given), `sink.startEvents` starts
 * a server-sent-event stream (Hono's `streamSSE` frames each `event` as `data: <json>\n\n`; `end` sends
 * `data: [DONE]` and closes). Writes keep their order, so callers may emit events from synchronous callbacks.
 * `sink.signal` aborts when the client disconnects.
 *
 * @throws whatever `produce` throws before it answered (Hono's error handler answers 500)
 */
export function completionResponse(c: Context, produce: (sink: CompletionSink) => Promise<void>): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    let stream: SSEStreamingApi | undefined;
    let writes: Promise<void> = Promise.resolve();
    let finish: () => void = () => undefined;
    const finished = new Promise<void>((done) => {
      finish = done;
    });
    const controller = new AbortController();
    const clientGone = () => controller.abort(new Error("client disconnected"));
    c.req.raw.signal.addEventListener("abort", clientGone, { once: true });
    const write = (data: string) => {
      const open = stream;
      if (open === undefined) throw new Error("events written before startEvents()");
      writes = writes.then(() => (open.aborted || open.closed ? undefined : open.writeSSE({ data })));
    };
    const sink: CompletionSink = {
      signal: controller.signal,
      json: (status, body) => resolve(c.json(body as object, status as ContentfulStatusCode)),
      startEvents: () => {
        resolve(
          streamSSE(c, async (opened) => {
            stream = opened;
            opened.onAbort(clientGone);
            await finished;
            await writes;
          }),
        );
      },
      event: (data) => write(JSON.stringify(data)),
      end: () => {
        write("[DONE]");
        finish();
      },
    };
    produce(sink).then(
      () => finish(),
      (error: unknown) => {
        finish();
        reject(error);
      },
    );
  });
}
