import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { ConfigError } from "../core/errors.js";
import { isAuthorized, isLoopbackHost } from "./auth.js";
import { type ApiFailure, type CompletionSink, checkCompletionRequest, runChatCompletion } from "./chat-completions.js";
import { parseChatCompletionRequest } from "./openai-request.js";
import type { ServeGenerator } from "./serve-generator.js";

/** Options of {@link startServeServer}. */
export interface ServeOptions {
  generator: ServeGenerator;
  /** Model ids served, one per agent (`tanuki-coder`, …). */
  agents: readonly string[];
  /** Interface to bind. Default `127.0.0.1`. Anything but loopback requires `token`. */
  host?: string;
  /** Port; 0 = any free port. Default 8088. */
  port?: number;
  /** Bearer token clients must send (`Authorization: Bearer <token>`). Required beyond localhost. */
  token?: string;
  /** Largest accepted request body, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Requests per client IP per window (counted before auth, so guessing tokens is throttled too). Default 120 per 60 s. */
  rateLimit?: { requests: number; windowSeconds: number };
  /** Answer cap when a request gives none, tokens. Default min(1024, contextSize / 2). */
  defaultMaxTokens?: number;
  /** One line per request (method, path, status, ms). Default: none. */
  log?: (line: string) => void;
}

/** A running server. */
export interface ServeServer {
  /** `http://host:port` (the API is under `/v1`). */
  url: string;
  port: number;
  /** Stops accepting connections and ends open ones. Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 1024 * 1024;

/**
 * `tanuki serve`'s HTTP endpoint: an OpenAI-compatible API over a local model, one model id per agent.
 *
 * - `GET /v1/models`: the agents, with `context_length` and the adapter each applies;
 * - `POST /v1/chat/completions`: chat completions, streamed as server-sent events with `stream: true`;
 *   `response_format: { type: "json_schema" }` is enforced with a grammar;
 * - `GET /health`: liveness, without auth.
 *
 * Every other request needs the bearer token when one is set, is rate limited per client (429 with
 * `Retry-After`; rate-limiter-flexible), and bodies are size-capped (413) and validated with zod (400).
 *
 * @throws ConfigError when binding beyond loopback without a token
 */
export async function startServeServer(options: ServeOptions): Promise<ServeServer> {
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host) && !options.token) {
    throw new ConfigError(
      `Refusing to serve on ${host} without a token: anyone who can reach it could use the model. ` +
        "Set --token (or TANUKI_SERVE_TOKEN), or bind to 127.0.0.1.",
    );
  }
  const limit = options.rateLimit ?? { requests: 120, windowSeconds: 60 };
  const limiter = new RateLimiterMemory({ points: limit.requests, duration: limit.windowSeconds });
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const contextSize = options.generator.contextSize;
  const defaultMaxTokens = options.defaultMaxTokens ?? Math.min(1024, contextSize ? Math.floor(contextSize / 2) : 1024);

  const server = createServer((req, res) => {
    const started = performance.now();
    res.on("finish", () =>
      options.log?.(`${req.method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - started)}ms`),
    );
    handle(req, res).catch(() => {
      if (!res.headersSent)
        sendFailure(res, { status: 500, type: "server_error", code: "internal", message: "internal error" });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/health") return sendJson(res, 200, { status: "ok" });
    const client = req.socket.remoteAddress ?? "unknown";
    try {
      await limiter.consume(client);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      res.setHeader("Retry-After", String(Math.max(1, Math.ceil(error.msBeforeNext / 1000))));
      return sendFailure(res, {
        status: 429,
        type: "rate_limit_error",
        code: "rate_limited",
        message: `Too many requests: at most ${limit.requests} per ${limit.windowSeconds} s`,
      });
    }
    if (!isAuthorized(req.headers.authorization, options.token)) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="tanuki"');
      return sendFailure(res, {
        status: 401,
        type: "authentication_error",
        code: "invalid_api_key",
        message: "Missing or wrong bearer token (Authorization: Bearer <token>)",
      });
    }
    if (req.method === "GET" && path === "/v1/models") return sendJson(res, 200, listModels());
    if (path === "/v1/chat/completions") {
      if (req.method !== "POST") return sendFailure(res, invalid(405, "method_not_allowed", "use POST"));
      return completions(req, res);
    }
    return sendFailure(res, { status: 404, type: "not_found_error", code: "not_found", message: `No route ${path}` });
  }

  function listModels() {
    const created = Math.floor(Date.now() / 1000);
    return {
      object: "list",
      data: options.agents.map((id) => {
        const adapter = options.generator.adapterFor?.(id);
        return {
          id,
          object: "model",
          created,
          owned_by: "tanuki",
          ...(contextSize ? { context_length: contextSize } : {}),
          adapter: adapter ? { file: adapter.filePath.split(/[\\/]/).pop(), scale: adapter.scale } : null,
        };
      }),
    };
  }

  async function completions(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
      return sendFailure(res, invalid(415, "unsupported_media_type", "send Content-Type: application/json"));
    }
    const body = await readBody(req, maxBody);
    if (body === "too-large") {
      res.setHeader("Connection", "close");
      return sendFailure(res, invalid(413, "request_too_large", `the body exceeds ${maxBody} bytes`));
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return sendFailure(res, invalid(400, "invalid_json", "the body is not valid JSON"));
    }
    const parsed = parseChatCompletionRequest(json);
    if (!parsed.ok) return sendFailure(res, invalid(400, "invalid_request", parsed.problems.join("; ")));
    const problem = checkCompletionRequest(parsed.request, options.agents, contextSize);
    if (problem) return sendFailure(res, problem);
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort(new Error("client disconnected"));
    });
    const sink: CompletionSink = {
      signal: controller.signal,
      json: (status, value) => sendJson(res, status, value),
      startEvents: () => {
        res.writeHead(200, {
          "Content-Type": "text/event-stream; charset=utf-8",
          "Cache-Control": "no-cache",
          Connection: "keep-alive",
        });
        res.flushHeaders();
      },
      event: (data) => {
        res.write(`data: ${JSON.stringify(data)}\n\n`);
      },
      end: () => {
        res.end("data: [DONE]\n\n");
      },
    };
    await runChatCompletion(parsed.request, options.generator, sink, defaultMaxTokens);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8088, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close() {
      closing ??= closeServer(server);
      return closing;
    },
  };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The body, or `too-large` as soon as it exceeds `max` bytes (the rest is not read). */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer | "too-large"> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > max) return "too-large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) return "too-large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function invalid(status: number, code: string, message: string): ApiFailure {
  return { status, type: "invalid_request_error", code, message };
}

function sendFailure(res: ServerResponse, failure: ApiFailure): void {
  sendJson(res, failure.status, { error: { message: failure.message, type: failure.type, code: failure.code } });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}
