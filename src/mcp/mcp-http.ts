import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { Hono } from "hono";
import { ConfigError } from "../core/errors.js";
import { isAuthorized, isLoopbackHost } from "../serve/auth.js";
import { listenHono } from "../serve/listen-hono.js";

/** Options of {@link startMcpHttpServer}. */
export interface McpHttpOptions {
  /** A fresh server for each request (stateless Streamable HTTP: no session survives a request). */
  createServer: () => McpServer;
  /** Interface to bind. Default `127.0.0.1`. Anything else requires `token`. */
  host?: string;
  /** Port; 0 = any free port. Default 8089. */
  port?: number;
  /** Bearer token clients must send; required beyond loopback. */
  token?: string;
}

/** A running MCP HTTP endpoint. */
export interface McpHttpServer {
  /** `http://host:port/mcp` */
  url: string;
  close(): Promise<void>;
}

/** Host names a loopback-bound server answers to (a browser page on another name is a DNS-rebinding attempt). */
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Serves MCP's Streamable HTTP transport at `/mcp` (POST for requests, answered as JSON or an SSE stream carrying
 * progress notifications) on Hono and @hono/node-server, stateless: each request gets its own server and
 * transport. Bound to loopback by default, where requests naming another host are refused (DNS rebinding);
 * beyond loopback a bearer token is required. Stops when `close()` is called.
 *
 * @throws ConfigError when binding beyond loopback without a token; the listen error (port in use) otherwise
 */
export async function startMcpHttpServer(options: McpHttpOptions): Promise<McpHttpServer> {
  const host = options.host ?? "127.0.0.1";
  const loopback = isLoopbackHost(host);
  if (!loopback && !options.token) {
    throw new ConfigError(`tanuki mcp --http: binding ${host} (beyond this machine) needs --token or TANUKI_MCP_TOKEN`);
  }
  const app = new Hono();
  app.use("/mcp", async (c, next) => {
    const hostName = (c.req.header("host") ?? "").replace(/:\d+$/, "").toLowerCase();
    if (loopback && !LOOPBACK_NAMES.has(hostName)) return c.json({ error: "host not allowed" }, 403);
    if (!isAuthorized(c.req.header("authorization"), options.token)) return c.json({ error: "unauthorized" }, 401);
    return next();
  });
  app.all("/mcp", async (c) => {
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    const server = options.createServer();
    await server.connect(transport);
    const response = await transport.handleRequest(c.req.raw);
    // The transport finishes the stream when the answer is sent; the server goes with it.
    transport.onclose = () => void server.close();
    return response;
  });
  const listening = await listenHono(app.fetch, host, options.port ?? 8089);
  return { url: `${listening.url}/mcp`, close: () => listening.close() };
}
