import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { readAdapterManifest } from "../adapters/adapter-manifest.js";
import { resolveAgentAdapters } from "../adapters/agent-adapters.js";
import { DEFAULT_ROSTER } from "../agents/roster.js";
import { DEFAULT_MODEL_DIR } from "../config/cli-env.js";
import type { ModelConfig } from "../config/model-config.js";
import { TreeSitterExplorer } from "../context/tree-sitter-explorer.js";
import type { RunEventListener } from "../core/events.js";
import { DockerEnvironmentProvider } from "../environment/docker-environment-provider.js";
import type { ChatModel } from "../llm/chat-model.js";
import { LlamaCppModel } from "../llm/llama-cpp-model.js";
import { OpenAICompatibleModel } from "../llm/openai-compatible-model.js";
import { resolveModel } from "../llm/resolve-model.js";
import type { LoopDeps } from "../loop/loop-deps.js";
import { openRepoMcpTools } from "../mcp/repo-mcp.js";
import { JsonlTraceSink } from "../report/jsonl-trace.js";
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
  /** Cap of each job's trace file, bytes (see `JsonlTraceOptions.maxBytes`). Default 64 MiB. */
  traceMaxBytes?: number;
  /** Download progress of the model (bytes). */
  onDownload?: (progress: { what: string; downloadedBytes: number; totalBytes?: number }) => void;
  signal?: AbortSignal;
  /**
   * Backend and its settings (see src/config/model-config.ts), read by the entry point from the environment it
   * was given (`readModelConfig(env, …)`): nothing here reads `process.env`, so an injected value always wins.
   */
  modelConfig: ModelConfig;
}

/**
 * The real adapters, built once per process and shared by every job: the loaded model (node-llama-cpp keeps the
 * weights and contexts), the Docker sandbox provider, the git workspace provider and the tree-sitter explorer.
 */
export interface Engine {
  model: ChatModel;
  explorer: TreeSitterExplorer;
  sandboxes: DockerSandboxProvider;
  /** The environment phase: installs through the egress proxy, cached environment images. */
  environments: DockerEnvironmentProvider;
  workspaces: GitWorkspaceProvider;
  workRoot: string;
  /**
   * Loop dependencies for one job, with its own trace file and progress listener, and `model` in place of the
   * engine's when given (e.g. a view of it with the repository's per-agent model choice).
   */
  depsFor(job: { tracePath: string; onEvent?: RunEventListener; model?: ChatModel }): {
    deps: LoopDeps;
    closeTrace(): Promise<void>;
  };
  /** Release the model and the parsers. Idempotent. */
  dispose(): Promise<void>;
}

/**
 * The composition root: resolves (and, for a URI or the default, downloads) the model, loads it, and builds the
 * other adapters. Entry points (CLI, App, Action) call this and nothing below it; tests build `LoopDeps` from fakes.
 *
 * @throws ModelError (code `model-download` when the model cannot be fetched; the message says how to pass one)
 */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  const config = options.modelConfig;
  const model =
    config.backend === "openai"
      ? await OpenAICompatibleModel.connect({
          baseUrl: config.baseUrl,
          apiKey: config.apiKey,
          defaultModel: config.defaultModel,
          models: config.models,
          timeoutMs: config.timeoutMs,
          maxRetries: config.maxRetries,
          contextSize: config.contextSize,
          loraAdapters: await agentAdapters(resolve("adapters")),
        })
      : await loadLocalModel({ ...options, modelConfig: config });
  return assembleEngine(model, { workRoot: options.workRoot, traceMaxBytes: options.traceMaxBytes });
}

/** Options of {@link loadLocalModel}: the engine's model options plus llama.cpp's parallel sequences. */
export interface LocalModelOptions
  extends Pick<EngineOptions, "model" | "modelDir" | "threads" | "onDownload" | "signal"> {
  /** Backend settings: the adapters folder and memory budget (read by the entry point, see `EngineOptions`). */
  modelConfig: ModelConfig;
  /** Parallel sequences per adapter context. Default 1. */
  sequences?: number;
  /** Context size, tokens. Default: the model's, capped at 8192. */
  contextSize?: number;
}

/**
 * Resolves (downloading a URI or the default model), reads the adapter manifest, and loads the GGUF model through
 * node-llama-cpp with each agent's LoRA adapter (roster `adapter` entries, overridden by `adapters/adapters.yml`).
 * Used by the engine and by `tanuki serve`.
 *
 * @throws ModelError (code `model-download` when the model cannot be fetched; AdapterMismatchError when an adapter
 *   does not fit the model)
 * @throws ConfigError when the adapter manifest is invalid
 */
export async function loadLocalModel(options: LocalModelOptions): Promise<LlamaCppModel> {
  const config = options.modelConfig;
  const adaptersDir = config.backend === "llama-cpp" ? config.adaptersDir : resolve("adapters");
  const what = options.model ?? "the default model";
  const modelPath = await resolveModel(options.model, {
    cacheDir: options.modelDir ?? DEFAULT_MODEL_DIR,
    onProgress: (progress) => options.onDownload?.({ what, ...progress }),
    signal: options.signal,
  });
  const adapters = await agentAdapters(adaptersDir);
  return LlamaCppModel.load({
    modelPath,
    threads: options.threads,
    adapters,
    sequences: options.sequences,
    contextSize: options.contextSize,
    ...(config.backend === "llama-cpp" && config.memoryBudget ? { memoryBudget: config.memoryBudget } : {}),
  });
}

/**
 * Each agent's adapter: the roster's, overridden by `<dir>/adapters.yml`. The local backend loads them; the
 * OpenAI-compatible backend sends them as llama-server's per-request `lora` field when that server loaded them.
 *
 * @throws ConfigError when the manifest is invalid
 */
async function agentAdapters(dir: string) {
  return resolveAgentAdapters({ dir, manifest: await readAdapterManifest(dir), roster: DEFAULT_ROSTER });
}

/**
 * Build the engine around an already loaded model (any ChatModel backend): the Docker sandbox provider, the git
 * workspace provider, the tree-sitter explorer, and per-job JSONL traces. `dispose()` also disposes the model.
 */
export function assembleEngine(model: ChatModel, options: { workRoot?: string; traceMaxBytes?: number } = {}): Engine {
  const explorer = new TreeSitterExplorer();
  const sandboxes = new DockerSandboxProvider();
  const environments = new DockerEnvironmentProvider({ sandboxes, docker: sandboxes.docker });
  const workspaces = new GitWorkspaceProvider();
  const workRoot = options.workRoot ?? join(tmpdir(), "tanuki-work");
  let disposed = false;
  return {
    model,
    explorer,
    sandboxes,
    environments,
    workspaces,
    workRoot,
    depsFor(job) {
      const trace = new JsonlTraceSink(job.tracePath, { maxBytes: options.traceMaxBytes });
      return {
        deps: {
          model: job.model ?? model,
          sandboxes,
          environments,
          workspaces,
          explorer,
          trace,
          onEvent: job.onEvent,
          workRoot,
          // Used only when the run configuration lists repository MCP servers (the operator's switch is on).
          openRepoTools: openRepoMcpTools,
        },
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
