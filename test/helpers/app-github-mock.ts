import nock from "nock";

/** One request the mock answered. */
export interface RecordedCall {
  method: string;
  /** Path with query, e.g. `/repos/o/r/issues/1/comments`. */
  path: string;
  body: unknown;
}

type Reply = unknown | ((body: unknown, path: string) => unknown);

/**
 * Strict mock of GitHub's REST API over nock: a test fails on any request it did not expect (`unmatched`) and
 * on any expectation it did not use (`assertDone`). Every answered request is recorded with its body, in order.
 */
export class GitHubMock {
  readonly calls: RecordedCall[] = [];
  readonly unmatched: string[] = [];
  private readonly scope: nock.Scope;
  private readonly onNoMatch = (req: { method?: string; path?: string; hostname?: string }) => {
    if (req.hostname === "127.0.0.1") return; // the test's own webhook server (net connect allowed)
    this.unmatched.push(`${req.method} ${req.hostname}${req.path}`);
  };

  constructor(readonly baseUrl = "https://api.github.com") {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    this.scope = nock(baseUrl);
    nock.emitter.on("no match", this.onNoMatch);
  }

  /**
   * Expect `times` requests (default 1) and answer them with `status` and `reply` (a value, or a function of the
   * request body).
   */
  on(method: string, path: string | RegExp, status: number, reply: Reply = {}, times = 1): this {
    this.scope
      .intercept(path, method)
      .times(times)
      .reply((uri, body) => {
        const parsed = typeof body === "string" && body.startsWith("{") ? JSON.parse(body) : body;
        this.calls.push({ method, path: uri, body: parsed });
        return [
          status,
          typeof reply === "function" ? (reply as (b: unknown, p: string) => unknown)(parsed, uri) : reply,
        ];
      });
    return this;
  }

  /** The installation token request every test makes once per installation. */
  token(installationId = 1): this {
    return this.on("POST", `/app/installations/${installationId}/access_tokens`, 201, {
      token: "ghs_test_installation_token",
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
      permissions: {},
    });
  }

  /** Recorded calls matching a method and a path pattern. */
  find(method: string, path: string | RegExp): RecordedCall[] {
    return this.calls.filter(
      (c) => c.method === method && (typeof path === "string" ? c.path === path : path.test(c.path)),
    );
  }

  /** Throws when a request went unmatched or an expectation was not used. */
  assertDone(): void {
    const pending = this.scope.pendingMocks();
    if (this.unmatched.length > 0 || pending.length > 0) {
      throw new Error(
        `GitHub mock: unexpected requests ${JSON.stringify(this.unmatched)}; unused mocks ${JSON.stringify(pending)}`,
      );
    }
  }

  dispose(): void {
    nock.emitter.removeListener("no match", this.onNoMatch);
    nock.cleanAll();
    nock.enableNetConnect();
  }
}
