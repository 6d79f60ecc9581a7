import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { TreeSitterExplorer } from "../context/tree-sitter-explorer.js";
import type { RunEventListener } from "../core/events.js";
import { LlamaCppModel } from "../llm/llama-cpp-model.js";
import { resolveModel } from "../llm/resolve-model.js";
import { JsonlTraceSink } from "../loop/jsonl-trace.js";
import type { LoopDeps } from "../loop/loop-deps.js";
import { DockerSandboxProvider } from "../sandbox/docker-sandbox.js";
import { GitWorkspaceProvider } from "../workspace/git-workspace.js";

/** What the local engine is built from (already validated by the entry point). */
export interface LocalEngineOptions {
  /** GGUF path or model URI; undefined = the default model (downloaded on first use). */
  model?: string;
  /** Cache folder for downloaded models. Default `~/.cache/tanuki/models`. */
  modelDir?: string;
  /** Generation threads; default chosen from the CPUs the process may use. */
  threads?: number;
  /** Trace file (JSONL). */
  tracePath: string;
  /** Folder for work copies. Default the OS temp folder. */
  workRoot?: string;
  onEvent?: RunEventListener;
  signal?: AbortSignal;
}

/** Loop dependencies plus the one call that releases them. */
export interface LocalEngine {
  deps: LoopDeps;
  /** Name of the model in use, for reports. */
  modelName: string;
  /** Release the model and flush the trace. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * The composition root for local runs: node-llama-cpp model, Docker sandbox, git workspace, tree-sitter explorer,
 * JSONL trace. Entry points call this and nothing below it; tests build `LoopDeps` from fakes instead.
 *
 * @throws ModelError (code `model-download` when the default model cannot be fetched; the message says how to pass one)
 */
export async function createLocalEngine(options: LocalEngineOptions): Promise<LocalEngine> {
  const modelPath = await resolveModel(options.model, {
    cacheDir: options.modelDir ?? join(homedir(), ".cache", "tanuki", "models"),
    onProgress: (progress) =>
      options.onEvent?.({
        type: "download",
        what: options.model ?? "default model",
        downloadedBytes: progress.downloadedBytes,
        totalBytes: progress.totalBytes,
      }),
    signal: options.signal,
  });
  const model = await LlamaCppModel.load({ modelPath, threads: options.threads });
  const trace = new JsonlTraceSink(options.tracePath);
  let disposed = false;
  return {
    modelName: model.name,
    deps: {
      model,
      sandboxes: new DockerSandboxProvider(),
      workspaces: new GitWorkspaceProvider(),
      explorer: new TreeSitterExplorer(),
      trace,
      onEvent: options.onEvent,
      workRoot: options.workRoot ?? join(tmpdir(), "tanuki-work"),
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.allSettled([model.dispose(), trace.close()]);
    },
  };
}
