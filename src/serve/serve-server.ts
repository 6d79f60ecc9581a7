import { ConfigError } from "../core/errors.js";
import type { ChatModel } from "../llm/chat-model.js";
import { isLoopbackHost } from "./auth.js";
import { listenHono } from "./listen-hono.js";
import { createServeApp } from "./serve-app.js";
import type { ServeGenerator } from "./serve-generator.js";
import { TEAM_MODEL_ID, TeamGenerator, type TeamOptions } from "./team/team-generator.js";

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
  /**
   * Serve the agent team as the model id `tanuki-team` (see {@link TeamGenerator}): planner, critic and reviewer
   * call `model`; the coder answers through `generator`. Default: not served.
   */
  team?: TeamOptions & { model: ChatModel };
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
 * `tanuki serve`'s HTTP endpoint: an OpenAI-compatible API over a local model, one model id per agent, served by
 * Hono on `@hono/node-server` (routes in {@link createServeApp}).
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
  const contextSize = options.generator.contextSize;
  const team = options.team;
  const app = createServeApp({
    generator: team ? new TeamGenerator(options.generator, team.model, team) : options.generator,
    agents: team ? [...options.agents, TEAM_MODEL_ID] : options.agents,
    token: options.token,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY,
    rateLimit: options.rateLimit ?? { requests: 120, windowSeconds: 60 },
    defaultMaxTokens: options.defaultMaxTokens ?? Math.min(1024, contextSize ? Math.floor(contextSize / 2) : 1024),
    log: options.log,
  });
  return listenHono(app.fetch, host, options.port ?? 8088);
}
