import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { TreeSitterExplorer } from "../context/tree-sitter-explorer.js";
import type { RunEventListener } from "../core/events.js";
import type { ChatModel } from "../llm/chat-model.js";
import { LlamaCppModel } from "../llm/llama-cpp-model.js";
import { resolveModel } from "../llm/resolve-model.js";
import { JsonlTraceSink } from "../loop/jsonl-trace.js";
import type { LoopDeps } from "../loop/loop-deps.js";
import { DockerSandboxProvider } from "../sandbox/docker-sandbox.js";
import { GitWorkspaceProvider } from "../workspace/git-workspace.js";

/** What the engine is built from (already validated by the entry point). */
export interface EngineOptions {
  /** GGUF path or model URI; undefined = the default model (downloaded on first use). */
  model?: string;
  /** Cache folder for downloaded models. Default `~/.cache/tanuki/models`. */
  modelDir?: string;
  /** Generation threads; default chosen from the CPUs the process may use. */
  threads?: number;
  /** Folder for work copies. Default `<os temp>/tanuki-work`. */
  workRoot?: string;
  /** Download progress of the model (bytes). */
  onDownload?: (progress: { what: string; downloadedBytes: number; totalBytes?: number }) => void;
  signal?: AbortSignal;
}

/**
 * The real adapters, built once per process and shared by every job: the loaded model (node-llama-cpp keeps the
 * weights and contexts), the Docker sandbox provider, the git workspace provider and the tree-sitter explorer.
 */
export interface Engine {
  model: ChatModel;
  explorer: TreeSitterExplorer;
  sandboxes: DockerSandboxProvider;
  workspaces: GitWorkspaceProvider;
  workRoot: string;
  /** Loop dependencies for one job, with its own trace file and progress listener. */
  depsFor(job: { tracePath: string; onEvent?: RunEventListener }): { deps: LoopDeps; closeTrace(): Promise<void> };
  /** Release the model and the parsers. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * The composition root: resolves (and, for a URI or the default, downloads) the model, loads it, and builds the
 * other adapters. Entry points (CLI, App, Action) call this and nothing below it; tests build `LoopDeps` from fakes.
 *
 * @throws ModelError (code `model-download` when the model cannot be fetched; the message says how to pass one)
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const what = options.model ?? "the default model";
  const modelPath = await resolveModel(options.model, {
    cacheDir: options.modelDir ?? join(homedir(), ".cache", "tanuki", "models"),
    onProgress: (progress) => options.onDownload?.({ what, ...progress }),
    signal: options.signal,
  });
  const model = await LlamaCppModel.load({ modelPath, threads: options.threads });
  return assembleEngine(model, { workRoot: options.workRoot });
}

/**
 * Build the engine around an already loaded model (any ChatModel backend): the Docker sandbox provider, the git
 * workspace provider, the tree-sitter explorer, and per-job JSONL traces. `dispose()` also disposes the model.
 */
export function assembleEngine(model: ChatModel, options: { workRoot?: string } = {}): Engine {
  const explorer = new TreeSitterExplorer();
  const sandboxes = new DockerSandboxProvider();
  const workspaces = new GitWorkspaceProvider();
  const workRoot = options.workRoot ?? join(tmpdir(), "tanuki-work");
  let disposed = false;
  return {
    model,
    explorer,
    sandboxes,
    workspaces,
    workRoot,
    depsFor(job) {
      const trace = new JsonlTraceSink(job.tracePath);
      return {
        deps: { model, sandboxes, workspaces, explorer, trace, onEvent: job.onEvent, workRoot },
        closeTrace: () => trace.close(),
      };
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.allSettled([explorer.dispose(), model.dispose()]);
    },
  };
}
