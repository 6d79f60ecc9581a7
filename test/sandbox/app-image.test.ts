import { execFile, execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeIfAvailable, testModelPath } from "../helpers/requirements.js";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
const IMAGE = "tanuki-app:test";
const BUILD_TIMEOUT_MS = 20 * 60_000;

function docker(...args: string[]): string {
  return execFileSync("docker", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** A Docker engine answers and a base exists or can come from a registry (node:20-bookworm-slim or the debootstrap base). */
function imageBuildPossible(): boolean {
  try {
    docker("info", "--format", "{{.ServerVersion}}");
  } catch {
    return false;
  }
  const has = (image: string) => {
    try {
      docker("image", "inspect", image);
      return true;
    } catch {
      return false;
    }
  };
  return has("node:20-bookworm-slim") || has("tanuki-sandbox-base:bookworm") || process.env.CI === "true";
}

const model = testModelPath();
const describeImage = describeIfAvailable(
  imageBuildPossible() && model !== undefined,
  "a Docker engine with a base image (node:20-bookworm-slim or tanuki-sandbox-base:bookworm) and TANUKI_TEST_MODEL",
);

describeImage("the GitHub App's container image (Dockerfile)", () => {
  const containers: string[] = [];

  beforeAll(async () => {
    // The CPU binary of node-llama-cpp only: enough to load the test model, and a much smaller download.
    await run("bash", ["scripts/build-app-image.sh", IMAGE, "--", "--build-arg", "LLAMA_BINARIES=linux-x64"], {
      cwd: ROOT,
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
  }, BUILD_TIMEOUT_MS);

  afterAll(() => {
    for (const id of containers) docker("rm", "-f", id);
  });

  it("runs as a non-root user, checks its health on /healthz, and keeps no build tooling", () => {
    const config = JSON.parse(docker("image", "inspect", "--format", "{{json .Config}}", IMAGE)) as {
      User: string;
      Healthcheck?: { Test: string[] };
      ExposedPorts: Record<string, unknown>;
    };
    expect(config.User).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(config.Healthcheck?.Test.join(" ")).toContain("/healthz");
    expect(Object.keys(config.ExposedPorts)).toEqual(["3000/tcp"]);
    const files = docker(
      "run",
      "--rm",
      "--entrypoint",
      "sh",
      IMAGE,
      "-c",
      "ls node_modules/.bin; ls -d src 2>&1; id -u",
    );
    expect(files).not.toMatch(/\b(tsc|vitest|biome|tsx)\b/);
    expect(files).toContain("No such file");
    expect(files.split("\n").at(-1)).not.toBe("0");
  });

  it("starts the App with the real engine (a GGUF model mounted) and becomes healthy", async () => {
    const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs1", format: "pem" })
      .toString();
    const id = docker(
      "run",
      "-d",
      "--health-interval=2s",
      "--health-start-period=60s",
      "-e",
      "APP_ID=4242",
      "-e",
      `PRIVATE_KEY=${privateKey}`,
      "-e",
      "WEBHOOK_SECRET=tanuki-image-test",
      "-e",
      "TANUKI_MODEL=/models/test.gguf",
      "-v",
      `${model}:/models/test.gguf:ro`,
      "-p",
      "127.0.0.1::3000",
      IMAGE,
    );
    containers.push(id);
    let health = "";
    for (let i = 0; i < 90 && health !== "healthy"; i++) {
      await new Promise((r) => setTimeout(r, 1_000));
      const state = docker("inspect", "--format", "{{.State.Status}} {{.State.Health.Status}}", id);
      if (state.startsWith("exited")) throw new Error(`the App exited:\n${docker("logs", id)}`);
      health = state.split(" ")[1] ?? "";
    }
    expect(health, docker("logs", id)).toBe("healthy");

    const port = docker("port", id, "3000/tcp").split("\n")[0]?.split(":").at(-1);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", running: 0, mode: "inline" });
    const webhook = await fetch(`http://127.0.0.1:${port}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "issue_comment",
        "x-github-delivery": "image-test-1",
        "x-hub-signature-256": "sha256=0000",
      },
      body: "{}",
    });
    expect(webhook.status).toBe(401);
  });
});
