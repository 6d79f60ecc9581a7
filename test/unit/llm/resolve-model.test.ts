import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CancelledError, isTanukiError, ModelError } from "../../../src/core/errors.js";
import { downloadModelFile } from "../../../src/llm/download-model.js";
import { DEFAULT_MODEL_URI, isModelUri, type ModelDownloader, resolveModel } from "../../../src/llm/resolve-model.js";

let dir: string;
const servers: Server[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "tanuki-resolve-"));
});

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

const ggufBytes = Buffer.concat([Buffer.from("GGUF"), Buffer.from([3, 0, 0, 0]), Buffer.alloc(2048, 7)]);

function ggufFile(name = "model.gguf"): string {
  const path = join(dir, name);
  writeFileSync(path, ggufBytes);
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

/** A local HTTP server; `handler` answers every request. */
async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port on 127.0.0.1 that refuses connections. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("resolveModel with a local path", () => {
  it("returns an existing GGUF file as given", async () => {
    const path = ggufFile();
    await expect(resolveModel(path, { cacheDir: dir })).resolves.toBe(path);
  });

  it("rejects a missing file with a ModelError naming the path", async () => {
    const missing = join(dir, "nope.gguf");
    const error = await rejection(resolveModel(missing, { cacheDir: dir }));
    expect(isTanukiError(error, "model")).toBe(true);
    expect((error as Error).message).toContain(missing);
  });

  it("rejects a file that is not GGUF", async () => {
    const path = join(dir, "model.bin");
    writeFileSync(path, "PK\u0003\u0004 not a model at all");
    const error = await rejection(resolveModel(path, { cacheDir: dir }));
    expect(isTanukiError(error, "model")).toBe(true);
    expect((error as Error).message).toMatch(/Not a GGUF/);
  });

  it("rejects a file shorter than the magic bytes and a directory", async () => {
    const short = join(dir, "short.gguf");
    writeFileSync(short, "GG");
    const sub = join(dir, "sub.gguf");
    mkdirSync(sub);
    for (const path of [short, sub]) {
      const error = await rejection(resolveModel(path, { cacheDir: dir }));
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).code).toBe("model");
    }
  });

  it("never calls the downloader for a local path", async () => {
    let calls = 0;
    const downloader: ModelDownloader = async () => {
      calls++;
      return ggufFile();
    };
    await resolveModel(ggufFile("local.gguf"), { cacheDir: dir, downloader });
    expect(calls).toBe(0);
  });
});

describe("resolveModel with a URI", () => {
  it("tells URIs from paths", () => {
    expect(isModelUri("hf:owner/repo/file.gguf")).toBe(true);
    expect(isModelUri("https://example.com/m.gguf")).toBe(true);
    expect(isModelUri("./models/m.gguf")).toBe(false);
    expect(isModelUri("/abs/hf:odd.gguf")).toBe(false);
  });

  it("resolves undefined to the default model and passes the cache dir and progress through", async () => {
    const seen: { uri: string; directory: string }[] = [];
    const progress: number[] = [];
    const downloader: ModelDownloader = async (uri, options) => {
      seen.push({ uri, directory: options.directory });
      options.onProgress?.({ downloadedBytes: 10, totalBytes: 20 });
      return ggufFile("downloaded.gguf");
    };
    const path = await resolveModel(undefined, {
      cacheDir: dir,
      downloader,
      onProgress: (p) => progress.push(p.downloadedBytes),
    });
    expect(path).toBe(join(dir, "downloaded.gguf"));
    expect(seen).toEqual([{ uri: DEFAULT_MODEL_URI, directory: dir }]);
    expect(progress).toEqual([10]);
  });

  it("turns a failing download into a model-download error that says how to pass a local model", async () => {
    const downloader: ModelDownloader = async () => {
      throw new Error("getaddrinfo ENOTFOUND huggingface.co");
    };
    const error = await rejection(resolveModel("hf:owner/repo/file.gguf", { cacheDir: dir, downloader }));
    expect(isTanukiError(error, "model-download")).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain("hf:owner/repo/file.gguf");
    expect(message).toContain("ENOTFOUND");
    expect(message).toContain("--model <path.gguf>");
    expect(message).toContain("TANUKI_MODEL");
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("checks that a downloaded file is GGUF", async () => {
    const downloader: ModelDownloader = async () => {
      const path = join(dir, "page.html");
      writeFileSync(path, "<html>rate limited</html>");
      return path;
    };
    const error = await rejection(resolveModel("https://example.invalid/m.gguf", { cacheDir: dir, downloader }));
    expect(isTanukiError(error, "model")).toBe(true);
  });

  it("maps an aborted download to CancelledError", async () => {
    const controller = new AbortController();
    const downloader: ModelDownloader = (_uri, { signal }) =>
      new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason)));
    const pending = resolveModel("hf:owner/repo/file.gguf", { cacheDir: dir, downloader, signal: controller.signal });
    controller.abort();
    expect(await rejection(pending)).toBeInstanceOf(CancelledError);
  });
});

describe("resolveModel with the real downloader (local HTTP only)", () => {
  it("fails fast with model-download when the host refuses connections", async () => {
    const port = await closedPort();
    const error = await rejection(resolveModel(`http://127.0.0.1:${port}/m.gguf`, { cacheDir: dir }));
    expect(isTanukiError(error, "model-download")).toBe(true);
    // Refused by the reachability check, not by node-llama-cpp's download, which retries for minutes.
    expect((error as Error).message).toContain(`127.0.0.1:${port} is unreachable (ECONNREFUSED)`);
  });

  it("fails fast for hf: URIs when the Hugging Face endpoint is unreachable", async () => {
    const port = await closedPort();
    const error = await rejection(
      resolveModel("hf:owner/repo/file.gguf", { cacheDir: dir, huggingFaceEndpoint: `http://127.0.0.1:${port}/` }),
    );
    expect(isTanukiError(error, "model-download")).toBe(true);
  });

  it("reports a missing file (HTTP 404) as model-download", async () => {
    const base = await serve((_req, res) => res.writeHead(404).end());
    const error = await rejection(resolveModel(`${base}/missing.gguf`, { cacheDir: dir }));
    expect(isTanukiError(error, "model-download")).toBe(true);
    expect((error as Error).message).toContain("404");
  });

  it("downloads a GGUF file into the cache dir with progress", async () => {
    const base = await serve((req, res) => {
      res.writeHead(200, { "content-length": ggufBytes.length, "accept-ranges": "bytes" });
      res.end(req.method === "HEAD" ? undefined : ggufBytes);
    });
    const cacheDir = join(dir, "cache");
    const progress: { downloadedBytes: number; totalBytes?: number }[] = [];
    const path = await resolveModel(`${base}/models/tiny.gguf`, { cacheDir, onProgress: (p) => progress.push(p) });
    expect(path).toBe(join(cacheDir, "tiny.gguf"));
    expect(progress.at(-1)).toEqual({ downloadedBytes: ggufBytes.length, totalBytes: ggufBytes.length });
  });

  it("gives up on a download that stops making progress", async () => {
    const base = await serve((req, res) => {
      res.writeHead(200, { "content-length": ggufBytes.length, "accept-ranges": "bytes" });
      if (req.method === "HEAD") res.end();
      else res.write(ggufBytes.subarray(0, 4)); // then hang
    });
    const error = await rejection(downloadModelFile(`${base}/stuck.gguf`, { directory: dir, stallTimeoutMs: 500 }));
    // Ended by the stall timer (its own message), not by a connection error or the download's retries.
    expect((error as Error).message).toBe("the download made no progress for 1 s");
  });
});
