import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type ApplicationFunction, createNodeMiddleware, type Probot } from "probot";
import { GITHUB_PAYLOAD_LIMIT_BYTES, readCappedBody, refuseTooLarge } from "./capped-body.js";

/** Options of {@link createWebhookServer}. */
export interface WebhookServerOptions {
  /** The Probot instance (credentials, webhook secret, Octokit) the app runs on. */
  probot: Probot;
  /** The app function (Tanuki's `tanukiApp(...)`); its `addHandler` handlers (`/healthz`) are served too. */
  app: ApplicationFunction;
  /** Path GitHub posts webhooks to. Default `/api/github/webhooks` (Probot's). */
  webhookPath?: string;
  /** Largest accepted body, bytes. Default {@link GITHUB_PAYLOAD_LIMIT_BYTES} (GitHub's own cap). */
  maxBodyBytes?: number;
}

/**
 * The App's HTTP server (not listening yet): Probot's own webhook middleware (`createNodeMiddleware`: signature
 * check, event routing) behind a body cap. A POST to the webhook path is read while it streams; at the first byte
 * past `maxBodyBytes` (or at once, for a larger `Content-Length`) it is answered `413` and the connection closed, so
 * an unauthenticated sender can make the App hold at most that much, however large the body. A body within the cap
 * is handed to Probot's middleware, which verifies its `x-hub-signature-256` before parsing anything. Other paths
 * go to the app's handlers (`/healthz`), then 404.
 *
 * Probot's `run()` cannot be used for this: its server puts the webhook middleware before every added handler.
 */
export async function createWebhookServer(options: WebhookServerOptions): Promise<Server> {
  const webhookPath = withoutTrailingSlashes(options.webhookPath ?? "/api/github/webhooks");
  const limit = options.maxBodyBytes ?? GITHUB_PAYLOAD_LIMIT_BYTES;
  const middleware = await createNodeMiddleware(options.app, { probot: options.probot, webhooksPath: webhookPath });
  const log = options.probot.log.child({ name: "webhook-server" });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "POST" && pathOf(req) === webhookPath) {
      const read = await readCappedBody(req, limit);
      if (!read.ok) {
        log.warn({ received: read.received, limit }, "refused a webhook body over the payload limit");
        refuseTooLarge(req, res, limit);
        return;
      }
      // Probot's middleware takes a string body as the raw payload (signature verified over it); nothing re-reads.
      req.body = read.body.toString("utf8");
    }
    await middleware(req, res, () => {
      if (!res.headersSent) res.writeHead(404, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "Not Found" }));
    });
  };

  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.warn({ err }, "webhook request failed");
      if (!res.headersSent) res.writeHead(400, { connection: "close" });
      res.end();
    });
  });
}

/** The request's path as Probot's middleware computes it (trailing slashes of the URL dropped first). */
function pathOf(req: IncomingMessage): string | undefined {
  try {
    return new URL(withoutTrailingSlashes(req.url ?? "/"), "http://localhost").pathname;
  } catch {
    return undefined;
  }
}

/** `path` without trailing `/` (`/` stays `/`); a loop, not a regex, over a length the client chose. */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47) end -= 1;
  return end === 0 ? "/" : path.slice(0, end);
}
