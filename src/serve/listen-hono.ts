import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";

/** A Hono app listening on a host and port. */
export interface ListeningHono {
  /** `http://host:port` (IPv6 hosts in brackets). */
  url: string;
  /** The bound port (the chosen one when 0 was asked). */
  port: number;
  /** Stops accepting connections and ends open ones. Idempotent. */
  close(): Promise<void>;
}

/**
 * Serves `fetch` (a Hono app's) with `@hono/node-server` on `host:port` (0 = any free port), shared by `tanuki serve`
 * and `tanuki mcp --http`. `overrideGlobalObjects: false` keeps the process's own fetch/Request/Response untouched
 * (model clients use them).
 *
 * @throws the listen error (port in use, address not available)
 */
export async function listenHono(
  fetch: (request: Request) => Response | Promise<Response>,
  host: string,
  port: number,
): Promise<ListeningHono> {
  const server = createAdaptorServer({ fetch, overrideGlobalObjects: false }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound}`,
    port: bound,
    close() {
      closing ??= new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
