import { Readable, Writable } from "node:stream";
import { type AgentApp, type AgentConnection, ndJsonStream } from "@agentclientprotocol/sdk";

/**
 * Connects an ACP agent app to a pair of Node streams (the process's stdin and stdout when an editor starts
 * `tanuki acp`): newline-delimited JSON-RPC, as ACP's stdio transport is. Nothing else may write to `output`
 * (logs go to stderr).
 *
 * @returns the connection; its `closed` promise settles when the editor closes the stream
 */
export function serveAcp(app: AgentApp, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): AgentConnection {
  const stream = ndJsonStream(
    Writable.toWeb(output as Writable) as WritableStream<Uint8Array>,
    Readable.toWeb(input as Readable) as ReadableStream<Uint8Array>,
  );
  return app.connect(stream);
}
