import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the server answered. */
export interface ServedCall {
  method: string;
  /** Path with query, e.g. `/repos/acme/widgets/issues/7/comments`. */
  path: string;
  body: unknown;
  headers: IncomingMessage["headers"];
}

type Reply = unknown | ((body: unknown, path: string) => unknown);

interface Expectation {
  method: string;
  path: string | RegExp;
  status: number;
  reply: Reply;
  remaining: number;
}

/**
 * A strict mock of GitHub's REST API as a real HTTP server on 127.0.0.1, for processes the test starts (nock
 * cannot reach into another process): the Action is pointed at it with `GITHUB_API_URL`. Unexpected requests get
 * 599 and are listed by {@link assertDone}, as are expectations that were not used. Strings are served as text
 * (raw file contents), other values as JSON; status 204 has no body.
 */
export class GitHubMockServer {
  readonly calls: ServedCall[] = [];
  readonly unmatched: string[] = [];
  private readonly expectations: Expectation[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Start a server on a free port of 127.0.0.1. */
  static async start(): Promise<GitHubMockServer> {
    let mock: GitHubMockServer | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        let body: unknown = raw;
        if (raw.startsWith("{") || raw.startsWith("[")) body = JSON.parse(raw);
        const answer = mock?.answer(req.method ?? "GET", req.url ?? "/", body, req.headers);
        if (!answer) {
          res.writeHead(599, { "content-type": "application/json" }).end('{"message":"unexpected request"}');
          return;
        }
        if (answer.status === 204) {
          res.writeHead(204).end();
        } else if (typeof answer.body === "string") {
          res.writeHead(answer.status, { "content-type": "text/plain; charset=utf-8" }).end(answer.body);
        } else {
          res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body ?? {}));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    mock = new GitHubMockServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return mock;
  }

  /** Expect `times` requests (default 1) and answer them with `status` and `reply` (a value or a function of the body). */
  on(method: string, path: string | RegExp, status: number, reply: Reply = {}, times = 1): this {
    this.expectations.push({ method, path, status, reply, remaining: times });
    return this;
  }

  /** Recorded calls matching a method and a path pattern. */
  find(method: string, path: string | RegExp): ServedCall[] {
    return this.calls.filter(
      (c) => c.method === method && (typeof path === "string" ? c.path === path : path.test(c.path)),
    );
  }

  /** Throws when a request went unmatched or an expectation was not used up. */
  assertDone(): void {
    const pending = this.expectations
      .filter((e) => e.remaining > 0)
      .map((e) => `${e.method} ${String(e.path)} (${e.remaining} left)`);
    if (this.unmatched.length > 0 || pending.length > 0) {
      throw new Error(
        `GitHub mock server: unexpected requests ${JSON.stringify(this.unmatched)}; unused ${JSON.stringify(pending)}`,
      );
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(method: string, path: string, body: unknown, headers: IncomingMessage["headers"]) {
    const match = this.expectations.find(
      (e) =>
        e.remaining > 0 && e.method === method && (typeof e.path === "string" ? e.path === path : e.path.test(path)),
    );
    if (!match) {
      this.unmatched.push(`${method} ${path}`);
      return undefined;
    }
    match.remaining -= 1;
    this.calls.push({ method, path, body, headers });
    const reply =
      typeof match.reply === "function" ? (match.reply as (b: unknown, p: string) => unknown)(body, path) : match.reply;
    return { status: match.status, body: reply };
  }
}
