import { afterAll, beforeAll, expect, it } from "vitest";
import { SCOPE_LABEL, scopeDigest } from "../../src/environment/environment-cache.js";
import { bridgeGateway, type LocalServer, startNpmRegistry } from "../helpers/local-registries.js";
import { describeIfAvailable } from "../helpers/requirements.js";
import { environmentTools, imagesAvailable, openRepo, TEST_EGRESS_IMAGE } from "./environment-test-env.js";
import { TEST_SANDBOX_IMAGE } from "./sandbox-test-env.js";

const describeEnv = describeIfAvailable(
  await imagesAvailable(TEST_SANDBOX_IMAGE, TEST_EGRESS_IMAGE),
  `a Docker engine and the ${TEST_SANDBOX_IMAGE} and ${TEST_EGRESS_IMAGE} images (scripts/build-env-images.sh egress)`,
);

/** Run in a RUN step of the repository's Dockerfile: what can the build reach? */
function networkProbe(gateway: string, port: number): string {
  return [
    "import os, socket, urllib.request",
    "def get(url):",
    "    try:",
    "        urllib.request.urlopen(url, timeout=10); print('PROXY REACHED', url)",
    "    except Exception as e: print('PROXY REFUSED', url, type(e).__name__)",
    "get('http://example.com/')",
    "get('http://169.254.169.254/latest/meta-data/')",
    "s = socket.socket(); s.settimeout(5)",
    "try:",
    `    s.connect(('${gateway}', ${port})); print('DIRECT REACHED')`,
    "except Exception as e: print('DIRECT REFUSED', type(e).__name__)",
    "print('PROXY SET' if os.environ.get('HTTP_PROXY') else 'NO PROXY')",
  ].join("\n");
}

describeEnv("environment phase: a repository's dev container (real Docker build behind the egress proxy)", () => {
  const tools = environmentTools();
  const scope = `devcontainer-${Date.now().toString(36)}`;
  let gateway: string;
  let host: LocalServer;

  beforeAll(async () => {
    gateway = await bridgeGateway();
    // Something on the Docker host that no build step may reach directly.
    host = await startNpmRegistry("tanuki-fixture-host", 1, gateway);
  });
  afterAll(async () => {
    await host?.close();
    const images = await tools.docker.listImages({ filters: { label: [`${SCOPE_LABEL}=${scopeDigest(scope)}`] } });
    // Cached environments first: they are children of the built image.
    for (const image of images.sort((a, b) => b.Created - a.Created)) {
      await tools.docker
        .getImage(image.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  });

  it("builds build.dockerfile with its RUN steps behind the proxy, runs postCreateCommand, then reuses both", async () => {
    const files = {
      ".devcontainer/devcontainer.json": `// A dev container, as VS Code and Codespaces read it (JSON with comments).
{
  "name": "fixture",
  "build": { "dockerfile": "Dockerfile", "context": ".." },
  "runArgs": ["--privileged"],
  "postCreateCommand": "mkdir -p out && cat /opt/devcontainer-proof > out/from-post-create.txt",
}
`,
      ".devcontainer/Dockerfile": `FROM ${TEST_SANDBOX_IMAGE}
USER root
COPY tools/probe.py /opt/probe.py
RUN echo built-by-devcontainer > /opt/devcontainer-proof && python3 /opt/probe.py > /opt/network-probe 2>&1
`,
      "tools/probe.py": networkProbe(gateway, host.port),
    };
    const first = await openRepo(files);
    try {
      const outcome = await tools.prepare(first.workspace, {}, { scope });
      expect(outcome.report, outcome.report.logTail).toMatchObject({
        status: "ready",
        source: "devcontainer",
        cached: false,
        commands: ["mkdir -p out && cat /opt/devcontainer-proof > out/from-post-create.txt"],
      });
      expect(outcome.report.image).toMatch(/^tanuki-env-build:/);
      const tests = await tools.runTests(
        first.workspace,
        outcome,
        "cat /opt/devcontainer-proof out/from-post-create.txt /opt/network-probe; id -u",
      );
      expect(tests.stdout).toContain("built-by-devcontainer\nbuilt-by-devcontainer\n");
      // The build's RUN steps reach the registries' proxy only: no host, no metadata address, no other site.
      expect(tests.stdout).toContain("PROXY SET");
      expect(tests.stdout).toContain("PROXY REFUSED http://example.com/");
      expect(tests.stdout).toContain("PROXY REFUSED http://169.254.169.254/");
      expect(tests.stdout).toContain("DIRECT REFUSED");
      expect(tests.stdout).not.toContain("REACHED");
      // runArgs are ignored: the tests run as the unprivileged sandbox user whatever the image says.
      expect(tests.stdout.trim().split("\n").at(-1)).not.toBe("0");
      // What the install created is ignored in the work copy: it never shows up as a change.
      expect(await first.workspace.changedFiles()).toEqual([]);
    } finally {
      await first.cleanup();
    }

    const second = await openRepo(files);
    try {
      const outcome = await tools.prepare(second.workspace, {}, { scope });
      expect(outcome.report, outcome.report.logTail).toMatchObject({ status: "ready", cached: true });
      const tests = await tools.runTests(second.workspace, outcome, "cat out/from-post-create.txt");
      expect(tests.stdout).toContain("built-by-devcontainer");
    } finally {
      await second.cleanup();
    }
    expect(host.requests).toEqual([]);
  });

  it("a Dockerfile that does not build is an image failure with the build's last lines", async () => {
    const repo = await openRepo({
      ".devcontainer/devcontainer.json": '{ "build": { "dockerfile": "Dockerfile" } }',
      ".devcontainer/Dockerfile": `FROM ${TEST_SANDBOX_IMAGE}\nRUN echo tanuki-build-step && exit 3\n`,
    });
    try {
      const outcome = await tools.prepare(repo.workspace, {}, { scope });
      expect(outcome.ok).toBe(false);
      expect(outcome.report).toMatchObject({ status: "failed", problem: "image", source: "none" });
      expect(outcome.report.message).toContain(".devcontainer/Dockerfile");
      expect(outcome.report.logTail).toContain("tanuki-build-step");
    } finally {
      await repo.cleanup();
    }
  });
});
