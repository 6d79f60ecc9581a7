import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import type { Sandbox, SandboxProcess, SpawnRequest } from "../sandbox/sandbox.js";

/** Most bytes of one unanswered line kept from a server: a server that never ends a line cannot fill memory. */
const MAX_LINE_BYTES = 4 * 1024 * 1024;

/**
 * An MCP client transport over a process started in the job's sandbox ({@link Sandbox.spawn}): newline-delimited
 * JSON-RPC on its stdin and stdout, as the SDK's stdio transport speaks it, but the server runs in the sandbox's
 * container (its image, limits, network and user), never on the host. Its stderr goes to `onStderr`.
 */
export class SandboxStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #sandbox: Sandbox;
  readonly #request: SpawnRequest;
  readonly #onStderr: ((text: string) => void) | undefined;
  readonly #buffer = new ReadBuffer({ maxBufferSize: MAX_LINE_BYTES });
  #process: SandboxProcess | undefined;
  #closed = false;

  constructor(sandbox: Sandbox, request: SpawnRequest, onStderr?: (text: string) => void) {
    this.#sandbox = sandbox;
    this.#request = request;
    this.#onStderr = onStderr;
  }

  /** @throws Error when the sandbox cannot start processes, or SandboxError when the start fails */
  async start(): Promise<void> {
    if (!this.#sandbox.spawn) throw new Error("this sandbox cannot start long-running processes");
    const spawned = await this.#sandbox.spawn(this.#request);
    this.#process = spawned;
    spawned.onStdout((chunk) => {
      try {
        this.#buffer.append(Buffer.from(chunk));
        for (let message = this.#buffer.readMessage(); message; message = this.#buffer.readMessage()) {
          this.onmessage?.(message);
        }
      } catch (error) {
        this.onerror?.(error as Error);
      }
    });
    spawned.onStderr((chunk) => this.#onStderr?.(Buffer.from(chunk).toString("utf8")));
    spawned.onExit(() => void this.close());
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.#process || this.#closed) throw new Error("the MCP server in the sandbox is not running");
    this.#process.write(serializeMessage(message));
  }

  /** Stops the server's container; idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer.clear();
    await this.#process?.close();
    this.onclose?.();
  }
}
