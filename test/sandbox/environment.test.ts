import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { cacheImageName, listCachedEnvironments } from "../../src/environment/environment-cache.js";
import {
  bridgeGateway,
  type LocalServer,
  selfSignedCertificate,
  startNpmRegistry,
  startPythonIndex,
} from "../helpers/local-registries.js";
import { describeIfAvailable } from "../helpers/requirements.js";
import {
  environmentTools,
  imagesAvailable,
  openRepo,
  startUpstreamProxy,
  TEST_EGRESS_IMAGE,
} from "./environment-test-env.js";
import { TEST_SANDBOX_IMAGE } from "./sandbox-test-env.js";

const describeEnv = describeIfAvailable(
  await imagesAvailable(TEST_SANDBOX_IMAGE, TEST_EGRESS_IMAGE),
  `a Docker engine and the ${TEST_SANDBOX_IMAGE} and ${TEST_EGRESS_IMAGE} images (scripts/build-env-images.sh egress)`,
);

describeEnv("environment phase (real Docker, egress proxy, package managers)", () => {
  const tools = environmentTools();
  let gateway: string;
  let npm: LocalServer;
  let pypi: LocalServer;
  const cacheImages: string[] = [];

  beforeAll(async () => {
    gateway = await bridgeGateway();
    npm = await startNpmRegistry("tanuki-fixture-answer", 42, gateway);
    pypi = await startPythonIndex("tanuki_fixture_answer", 41);
  });
  afterAll(async () => {
    await npm?.close();
    await pypi?.close();
    for (const image of cacheImages)
      await tools.docker
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
  });

  it("installs a Node.js repository's dependency from an npm registry mirror, then reuses the cached environment", async () => {
    const files = {
      "package.json": JSON.stringify({
        name: "fixture",
        version: "1.0.0",
        dependencies: { "tanuki-fixture-answer": "1.0.0" },
        scripts: { test: "node test.js" },
      }),
      "test.js":
        "const assert = require('node:assert'); assert.strictEqual(require('tanuki-fixture-answer').answer, 42); console.log('ok 42');\n",
      ".gitignore": "",
    };
    const scope = `node-${Date.now()}`;
    const first = await openRepo(files);
    const tails: string[][] = [];
    try {
      const outcome = await tools.prepare(
        first.workspace,
        { npmRegistry: npm.url(gateway) },
        { scope, onOutput: (_c, tail) => tails.push(tail) },
      );
      expect(outcome.report).toMatchObject({
        status: "ready",
        source: "detected",
        cached: false,
        commands: ["npm install --no-audit --no-fund --no-package-lock"],
      });
      expect(npm.requests).toContain("/tanuki-fixture-answer");
      expect(tails.length).toBeGreaterThan(0);
      const tests = await tools.runTests(first.workspace, outcome, "npm test --silent");
      expect(tests.stdout).toContain("ok 42");
      expect(tests.exitCode).toBe(0);
      // Installed dependencies never show up as changes of the work.
      expect(await first.workspace.changedFiles()).toEqual([]);
    } finally {
      await first.cleanup();
    }
    const cached = (await listCachedEnvironments(tools.docker)).map((entry) => entry.image);
    cacheImages.push(...cached.filter((image) => image.startsWith("tanuki-env-cache:")));

    const requestsBefore = npm.requests.length;
    const second = await openRepo(files);
    try {
      const outcome = await tools.prepare(second.workspace, { npmRegistry: npm.url(gateway) }, { scope });
      expect(outcome.report).toMatchObject({ status: "ready", cached: true });
      expect(npm.requests.length).toBe(requestsBefore);
      expect((await tools.runTests(second.workspace, outcome, "npm test --silent")).exitCode).toBe(0);
    } finally {
      await second.cleanup();
    }
  });

  it("installs a Python repository's requirements into a venv from a local package index", async () => {
    const repo = await openRepo({
      "requirements.txt": "tanuki_fixture_answer==1.0.0\n",
      "test_answer.py":
        "import tanuki_fixture_answer\n\ndef test_answer():\n    assert tanuki_fixture_answer.ANSWER == 41\n",
    });
    try {
      const outcome = await tools.prepare(repo.workspace, {
        pipIndexUrl: `${pypi.url(gateway)}simple/`,
        cache: { enabled: false, maxBytes: 0 },
      });
      expect(outcome.report, outcome.report.logTail).toMatchObject({ status: "ready" });
      expect(outcome.report.commands[0]).toContain("python3 -m venv");
      const tests = await tools.runTests(repo.workspace, outcome, "python3 -m pytest -q -p no:cacheprovider");
      expect(tests.stdout).toContain("1 passed");
      expect(await repo.workspace.changedFiles()).toEqual([]);
    } finally {
      await repo.cleanup();
    }
  });

  it("the egress proxy refuses hosts off the allowlist, private addresses and the metadata address; the host is unreachable directly", async () => {
    const probe = [
      "import os, urllib.request, socket",
      "def get(url):",
      "    try:",
      "        urllib.request.urlopen(url, timeout=10); print('REACHED', url)",
      "    except Exception as e: print('REFUSED', url, e)",
      "get('https://example.com/')",
      "get('http://169.254.169.254/latest/meta-data/')",
      `get('http://${gateway}:${npm.port}/private-probe')`,
      // The proxy knows the Docker host by name (for an operator's mirror there); allowlisting the name, as a
      // repository's .github/tanuki.yml may, must not open it: only the operator's mirror settings do.
      `get('http://host.docker.internal:${npm.port}/host-name-probe')`,
      "s = socket.socket(); s.settimeout(5)",
      "try:",
      `    s.connect(('${gateway}', ${npm.port})); print('DIRECT REACHED')`,
      "except Exception as e: print('DIRECT REFUSED', e)",
      "raise SystemExit(1)",
    ].join("\n");
    const repo = await openRepo({ "probe.py": probe });
    try {
      const outcome = await tools.prepare(
        repo.workspace,
        { cache: { enabled: false, maxBytes: 0 }, allowHosts: [`host.docker.internal:${npm.port}`] },
        { setupCommand: "python3 probe.py" },
      );
      expect(outcome.ok).toBe(false);
      const report = outcome.report;
      expect(report).toMatchObject({
        status: "failed",
        problem: "blocked-host",
        command: "python3 probe.py",
        exitCode: 1,
      });
      expect(report.message).toContain("example.com");
      expect(report.message).toContain("169.254.169.254");
      expect(report.logTail).not.toContain("REACHED http");
      expect(report.logTail).toContain("DIRECT REFUSED");
      // Refused by the proxy (403), not answered by the registry (which would say 404).
      expect(report.logTail).toContain(
        `REFUSED http://host.docker.internal:${npm.port}/host-name-probe HTTP Error 403`,
      );
      expect(npm.requests).not.toContain("/private-probe");
      expect(npm.requests).not.toContain("/host-name-probe");
    } finally {
      await repo.cleanup();
    }
  });

  it("an untrusted registry certificate is reported as tls, and installs once its CA bundle is configured", async () => {
    // By name, as a corporate mirror is: the egress proxy knows the Docker host as host.docker.internal.
    const host = "host.docker.internal";
    const identity = await selfSignedCertificate(host);
    const registry = await startNpmRegistry("tanuki-fixture-tls", 7, host, identity);
    const dir = await mkdtemp(join(tmpdir(), "tanuki-ca-"));
    const caPath = join(dir, "proxy-ca.pem");
    await writeFile(caPath, identity.cert);
    const files = {
      "package.json": JSON.stringify({
        name: "fixture",
        version: "1.0.0",
        dependencies: { "tanuki-fixture-tls": "1.0.0" },
      }),
    };
    const config = { npmRegistry: registry.url(host), cache: { enabled: false, maxBytes: 0 }, timeoutMs: 120_000 };
    const untrusted = await openRepo(files);
    const trusted = await openRepo(files);
    try {
      const failed = await tools.prepare(untrusted.workspace, { ...config, caBundle: "none" });
      expect(failed.report, failed.report.logTail).toMatchObject({ status: "failed", problem: "tls" });
      expect(failed.report.message).toMatch(/CA bundle/);

      const ok = await tools.prepare(trusted.workspace, { ...config, caBundle: caPath });
      expect(ok.report, ok.report.logTail).toMatchObject({ status: "ready" });
      expect(registry.requests).toContain("/tanuki-fixture-tls/-/tanuki-fixture-tls-1.0.0.tgz");
    } finally {
      await untrusted.cleanup();
      await trusted.cleanup();
      await registry.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("goes through the host's upstream proxy (HTTPS_PROXY/HTTP_PROXY), except for NO_PROXY names", async () => {
    const upstream = await startUpstreamProxy(tools.docker, { host: gateway, port: npm.port });
    const files = {
      "package.json": JSON.stringify({
        name: "fixture",
        version: "1.0.0",
        dependencies: { "tanuki-fixture-answer": "1.0.0" },
      }),
    };
    const config = { npmRegistry: npm.url(gateway), cache: { enabled: false, maxBytes: 0 } };
    const proxied = await openRepo(files);
    const direct = await openRepo(files);
    const throughUpstream = async () =>
      (await upstream.accessLog()).split("\n").filter((line) => line.includes("/tanuki-fixture-answer")).length;
    try {
      const via = await tools.prepare(proxied.workspace, {
        ...config,
        upstreamProxy: { http: upstream.url, https: upstream.url },
      });
      expect(via.report, via.report.logTail).toMatchObject({ status: "ready" });
      const seen = await throughUpstream();
      expect(seen).toBeGreaterThan(0);

      const around = await tools.prepare(direct.workspace, {
        ...config,
        upstreamProxy: { http: upstream.url, https: upstream.url, noProxy: `localhost,${gateway}` },
      });
      expect(around.report, around.report.logTail).toMatchObject({ status: "ready" });
      expect(await throughUpstream()).toBe(seen);
    } finally {
      await proxied.cleanup();
      await direct.cleanup();
      await upstream.dispose();
    }
  });

  it("a failing install names its command and keeps the log tail; the cache is left alone", async () => {
    const repo = await openRepo({ "README.md": "x" });
    try {
      const outcome = await tools.prepare(
        repo.workspace,
        {},
        { setupCommand: "echo building; echo 'fatal: no such thing' >&2; exit 7" },
      );
      expect(outcome.report).toMatchObject({ status: "failed", problem: "command", exitCode: 7, source: "configured" });
      expect(outcome.report.logTail).toContain("fatal: no such thing");
    } finally {
      await repo.cleanup();
    }
  });

  it("tests that need localhost work in the no-network test sandbox", async () => {
    const repo = await openRepo({
      "server.test.js":
        "const http = require('node:http');\nconst s = http.createServer((q, r) => r.end('pong')).listen(0, 'localhost', async () => {\n  const res = await fetch('http://localhost:' + s.address().port + '/');\n  console.log(await res.text()); s.close();\n});\n",
    });
    try {
      const outcome = await tools.prepare(repo.workspace);
      expect(outcome.report).toMatchObject({ status: "ready", source: "none", commands: [] });
      const tests = await tools.runTests(repo.workspace, outcome, "node server.test.js");
      expect(tests.stdout).toContain("pong");
    } finally {
      await repo.cleanup();
    }
  });

  it("names cached environments tanuki-env-cache:<key>", () => {
    expect(cacheImageName("abc")).toBe("tanuki-env-cache:abc");
  });
});
