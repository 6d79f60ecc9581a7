import {
  type ChatWrapper,
  getLlama,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  LlamaLogLevel,
  type LlamaModel,
  resolveChatWrapper,
} from "node-llama-cpp";
import { ModelError } from "../core/errors.js";
import { AdapterContexts } from "./adapter-contexts.js";
import { messageOf } from "./error-message.js";
import { createLlamaContextFactory, defaultMemoryBudget } from "./llama-context-factory.js";
import type { LlamaCppModelOptions } from "./llama-cpp-options.js";
import { toLogLevel } from "./llama-log-level.js";
import { assertLoraFitsBase, readBaseModelIdentity } from "./lora-check.js";
import { assertGgufFile } from "./resolve-model.js";
import { availableCpuCount, chooseThreads } from "./threads.js";

/** Context size when none is asked for and the model was trained on more, tokens (KV-cache memory grows with it). */
const DEFAULT_CONTEXT_CAP = 8192;

/** A loaded model with its llama.cpp backend and adapter contexts (the base context already created). */
export interface LoadedLlama {
  llama: Llama;
  model: LlamaModel;
  contexts: AdapterContexts<LlamaContextSequence, LlamaContext>;
  /** The chat template node-llama-cpp resolved for the model. */
  chatWrapper: ChatWrapper;
  /** Threads used for evaluation. */
  threads: number;
  /** Context size of each sequence as created, tokens. */
  contextSize: number;
  /** Parallel sequences per context. */
  sequences: number;
}

/**
 * Checks the file and the adapters, starts llama.cpp (prebuilt binaries only), loads the model and creates the base
 * context, with the thread count, context size and memory budget of `options` (or their defaults).
 *
 * @throws AdapterMismatchError (a ModelError) when an adapter does not fit the base model
 * @throws ModelError when the file is not a GGUF model, no llama.cpp binary works, or loading fails
 */
export async function loadLlama(options: LlamaCppModelOptions): Promise<LoadedLlama> {
  await assertGgufFile(options.modelPath);
  const adapters = options.adapters ?? {};
  if (Object.keys(adapters).length > 0) {
    const base = await readBaseModelIdentity(options.modelPath);
    for (const [agent, adapter] of Object.entries(adapters)) await assertLoraFitsBase(adapter.filePath, base, agent);
  }
  const sequences = Math.max(1, Math.floor(options.sequences ?? 1));
  const logger = options.logger;
  let llama: Llama | undefined;
  try {
    llama = await getLlama({
      gpu: options.gpu ?? "auto",
      build: "never",
      skipDownload: true,
      progressLogs: false,
      logLevel: logger ? LlamaLogLevel.warn : LlamaLogLevel.disabled,
      logger: logger ? (level, message) => logger(toLogLevel(level), message.trim()) : undefined,
    });
    const model = await llama.loadModel({
      modelPath: options.modelPath,
      onLoadProgress: options.onProgress ? (loadedFraction) => options.onProgress?.({ loadedFraction }) : undefined,
    });
    const threads =
      options.threads ?? chooseThreads({ availableCpus: availableCpuCount(), modelSizeBytes: model.size });
    llama.maxThreads = threads;
    const requested = options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT_CAP);
    const budget = options.memoryBudget ?? (await defaultMemoryBudget(llama));
    const factory = createLlamaContextFactory(llama, model, { contextSize: requested, sequences, threads });
    const contexts = new AdapterContexts<LlamaContextSequence, LlamaContext>(factory, budget);
    const lease = await contexts.acquire([]);
    lease.release();
    const contextSize = contexts.peek([])?.contextSize ?? requested;
    return { llama, model, contexts, chatWrapper: resolveChatWrapper(model), threads, contextSize, sequences };
  } catch (error) {
    await llama?.dispose().catch(() => undefined);
    throw new ModelError(`Could not load the model ${options.modelPath}: ${messageOf(error)}`, { cause: error });
  }
}
