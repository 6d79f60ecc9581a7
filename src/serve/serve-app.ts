import { getConnInfo } from "@hono/node-server/conninfo";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { isAuthorized } from "./auth.js";
import { type ApiFailure, checkCompletionRequest, errorBody, runChatCompletion } from "./chat-completions.js";
import { completionResponse } from "./completion-response.js";
import { answerEmbeddings } from "./embeddings.js";
import { parseChatCompletionRequest } from "./openai-request.js";
import type { ServeGenerator } from "./serve-generator.js";
import { checkTextCompletion, runTextCompletion } from "./text-completions.js";

/** What the HTTP app needs; {@link startServeServer} fills the defaults. */
export interface ServeAppOptions {
  generator: ServeGenerator;
  /** Model ids served, one per agent. */
  agents: readonly string[];
  /** Bearer token; undefined = no auth. */
  token?: string;
  /** Largest accepted request body, bytes. */
  maxBodyBytes: number;
  /** Requests per client IP per window. */
  rateLimit: { requests: number; windowSeconds: number };
  /** Answer cap when a request gives none, tokens. */
  defaultMaxTokens: number;
  /** One line per request (method, path, status, ms). */
  log?: (line: string) => void;
}

/**
 * The routes of `tanuki serve` as a Hono app (served by `@hono/node-server`): `GET /health` (no auth, no rate
 * limit), then for everything else a per-client rate limit (429 + `Retry-After`, counted before auth so token
 * guessing is throttled too; rate-limiter-flexible), the bearer token (401), `GET /v1/models` and
 * `POST /v1/chat/completions`, `POST /v1/completions` (raw text, fill-in-the-middle with `suffix`) and
 * `POST /v1/embeddings` (415 without a JSON content type, 413 over the body cap, 400 for invalid JSON or a
 * body that fails validation). Every failure has OpenAI's error shape `{ error: { message, type, code } }`.
 */
export function createServeApp(options: ServeAppOptions): Hono {
  const { generator, agents, rateLimit } = options;
  const limiter = new RateLimiterMemory({ points: rateLimit.requests, duration: rateLimit.windowSeconds });
  const contextSize = generator.contextSize;
  const app = new Hono();

  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    options.log?.(`${c.req.method} ${c.req.path} ${c.res.status} ${Math.round(performance.now() - started)}ms`);
  });

  app.get("/health", (c) => c.json({ status: "ok" }));

  app.use(async (c, next) => {
    const client = getConnInfo(c).remote.address ?? "unknown";
    try {
      await limiter.consume(client);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      c.header("Retry-After", String(Math.max(1, Math.ceil(error.msBeforeNext / 1000))));
      return failure(c, {
        status: 429,
        type: "rate_limit_error",
        code: "rate_limited",
        message: `Too many requests: at most ${rateLimit.requests} per ${rateLimit.windowSeconds} s`,
      });
    }
    if (!isAuthorized(c.req.header("authorization"), options.token)) {
      c.header("WWW-Authenticate", 'Bearer realm="tanuki"');
      return failure(c, {
        status: 401,
        type: "authentication_error",
        code: "invalid_api_key",
        message: "Missing or wrong bearer token (Authorization: Bearer <token>)",
      });
    }
    await next();
  });

  app.get("/v1/models", (c) => c.json(listModels(generator, agents)));

  const jsonBody = [
    createMiddleware(async (c, next) => {
      if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) {
        return failure(c, invalid(415, "unsupported_media_type", "send Content-Type: application/json"));
      }
      await next();
    }),
    bodyLimit({
      maxSize: options.maxBodyBytes,
      onError: (c) => {
        c.header("Connection", "close");
        return failure(c, invalid(413, "request_too_large", `the body exceeds ${options.maxBodyBytes} bytes`));
      },
    }),
  ] as const;

  /** A POST route with a JSON body (415, 413, 400 for invalid JSON), 405 for other methods. */
  function postJson(path: string, handle: (c: Context, json: unknown) => Response | Promise<Response>): void {
    app.post(path, ...jsonBody, async (c) => {
      let json: unknown;
      try {
        json = await c.req.json();
      } catch {
        return failure(c, invalid(400, "invalid_json", "the body is not valid JSON"));
      }
      return handle(c, json);
    });
    app.all(path, (c) => failure(c, invalid(405, "method_not_allowed", "use POST")));
  }

  postJson("/v1/chat/completions", (c, json) => {
    const parsed = parseChatCompletionRequest(json);
    if (!parsed.ok) {
      return failure(c, { ...invalid(400, "invalid_request", parsed.problems.join("; ")), param: parsed.param });
    }
    const checked = checkCompletionRequest(json as Record<string, unknown>, parsed.request, agents, contextSize);
    if ("status" in checked) return failure(c, checked);
    return completionResponse(c, (sink) => runChatCompletion(checked, generator, sink, options.defaultMaxTokens));
  });

  postJson("/v1/completions", (c, json) => {
    const checked = checkTextCompletion(json, generator, agents);
    if ("status" in checked) return failure(c, checked);
    const completeText = generator.completeText?.bind(generator);
    if (completeText === undefined) throw new Error("checked above");
    return completionResponse(c, (sink) => runTextCompletion(checked, { completeText }, sink));
  });

  postJson("/v1/embeddings", async (c, json) => {
    const answer = await answerEmbeddings(json, generator, agents);
    return c.json(answer.body as object, answer.status as ContentfulStatusCode);
  });

  app.notFound((c) =>
    failure(c, { status: 404, type: "not_found_error", code: "not_found", message: `No route ${c.req.path}` }),
  );
  app.onError((_error, c) =>
    failure(c, { status: 500, type: "server_error", code: "internal", message: "internal error" }),
  );
  return app;
}

/** `GET /v1/models`: one entry per agent with the context size and the adapter it applies. */
function listModels(generator: ServeGenerator, agents: readonly string[]) {
  const created = Math.floor(Date.now() / 1000);
  const contextSize = generator.contextSize;
  return {
    object: "list",
    data: agents.map((id) => {
      const adapter = generator.adapterFor?.(id);
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

function invalid(status: number, code: string, message: string): ApiFailure {
  return { status, type: "invalid_request_error", code, message };
}

/** Answers an {@link ApiFailure} in OpenAI's error shape. */
export function failure(c: Context, failure: ApiFailure): Response {
  return c.json(errorBody(failure), failure.status as ContentfulStatusCode);
}
