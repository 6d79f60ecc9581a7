import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseAdapterManifest, readAdapterManifest } from "../../../src/adapters/adapter-manifest.js";
import { resolveAgentAdapters } from "../../../src/adapters/agent-adapters.js";
import { compareDeclaredBase } from "../../../src/adapters/check-adapters.js";
import { ConfigError } from "../../../src/core/errors.js";

const base = { architecture: "qwen2", embeddingLength: 1536, blockCount: 28 };

describe("adapter manifest", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "tanuki-manifest-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads adapters.yml, defaulting the scale to 1", async () => {
    await writeFile(
      join(dir, "adapters.yml"),
      "version: 1\nbaseModel: {architecture: qwen2, embeddingLength: 1536}\nadapters:\n  - {agent: tanuki-coder, file: coder.gguf}\n",
    );
    const manifest = await readAdapterManifest(dir);
    expect(manifest?.adapters).toEqual([{ agent: "tanuki-coder", file: "coder.gguf", scale: 1 }]);
  });

  it("is absent (no adapters) when the file does not exist", async () => {
    expect(await readAdapterManifest(dir)).toBeUndefined();
  });

  it("names every invalid key", () => {
    const error = (() => {
      try {
        parseAdapterManifest(
          {
            version: 1,
            baseModel: { architecture: "" },
            adapters: [
              { agent: "Tanuki Coder", file: "a.gguf", scale: 9 },
              { agent: "tanuki-x", file: "b.gguf", extra: true },
            ],
          },
          "adapters.yml",
        );
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    const paths = error.issues.map((issue) => issue.split(":")[0]);
    expect(paths).toEqual(
      expect.arrayContaining(["baseModel.architecture", "adapters.0.agent", "adapters.0.scale", "adapters.1"]),
    );
  });

  it("refuses an agent listed twice", () => {
    const twice = {
      version: 1,
      baseModel: base,
      adapters: [
        { agent: "tanuki-coder", file: "a" },
        { agent: "tanuki-coder", file: "b" },
      ],
    };
    expect(() => parseAdapterManifest(twice, "m")).toThrow(/listed twice/);
  });

  it("refuses YAML that does not parse", async () => {
    await writeFile(join(dir, "adapters.yml"), "version: [1\n");
    await expect(readAdapterManifest(dir)).rejects.toThrow(/not valid YAML/);
  });

  it("maps agents to absolute adapter paths: manifest over roster, absolute paths kept", () => {
    const manifest = parseAdapterManifest(
      {
        version: 1,
        baseModel: base,
        adapters: [
          { agent: "tanuki-coder", file: "coder.gguf", scale: 0.5 },
          { agent: "tanuki-docs", file: "/abs/docs.gguf" },
        ],
      },
      "m",
    );
    const roster = [
      { id: "tanuki-coder", adapter: { file: "old.gguf", scale: 1 } },
      { id: "tanuki-tester", adapter: { file: "tester.gguf", scale: 0.7 } },
      { id: "tanuki-planner" },
    ];
    expect(resolveAgentAdapters({ dir: "/adapters", manifest, roster })).toEqual({
      "tanuki-coder": { filePath: "/adapters/coder.gguf", scale: 0.5 },
      "tanuki-tester": { filePath: "/adapters/tester.gguf", scale: 0.7 },
      "tanuki-docs": { filePath: "/abs/docs.gguf", scale: 1 },
    });
  });

  it("compares the declared base model with the actual one", () => {
    const actual = { path: "m.gguf", architecture: "qwen2", embeddingLength: 1536, blockCount: 28, tensors: new Map() };
    expect(compareDeclaredBase(base, actual)).toEqual([]);
    expect(compareDeclaredBase({ architecture: "llama", embeddingLength: 2048, blockCount: 28 }, actual)).toEqual([
      "trained for architecture llama, the model is qwen2",
      "trained for embedding 2048, the model has 1536",
    ]);
  });
});
