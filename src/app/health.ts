import type { IncomingMessage, ServerResponse } from "node:http";

/** What `/healthz` reports besides `status`. */
export interface HealthFacts {
  /** Jobs waiting or running in this process. */
  running: number;
  /** Where jobs run: `inline` (this process) or `actions` (dispatched to self-hosted runners). */
  mode: "inline" | "actions";
}

/**
 * A Probot server handler for `GET /healthz` (and `HEAD`): `200 {"status":"ok","running":n,"mode":...}`. It is only
 * added once the app function has loaded, so a 200 means webhooks can be handled. Other paths fall through.
 */
export function healthHandler(facts: () => HealthFacts) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== "/healthz" || (req.method !== "GET" && req.method !== "HEAD")) return false;
    const body = JSON.stringify({ status: "ok", ...facts() });
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}
