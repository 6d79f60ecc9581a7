import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { Llama, LlamaContext, LlamaModel } from "node-llama-cpp";
import type { AgentAdapter, ContextFactory } from "./adapter-contexts.js";
import type { MemoryBudget, MemoryCost } from "./lru-budget.js";

/** Options of {@link createLlamaContextFactory}. */
export interface LlamaContextFactoryOptions {
  contextSize: number;
  sequences: number;
  threads: number;
}

/**
 * Contexts of one loaded model through node-llama-cpp: `model.createContext({ lora: { adapters } })` (the model
 * loads each adapter file once and shares it between contexts), a memory estimate from node-llama-cpp's GGUF
 * insights (KV cache + compute buffers for `contextSize × sequences`) plus the adapter files' sizes, and the
 * release of an adapter's weights.
 */
export function createLlamaContextFactory(
  llama: Llama,
  model: LlamaModel,
  options: LlamaContextFactoryOptions,
): ContextFactory<LlamaContext> {
  const onGpu = llama.gpu !== false && model.gpuLayers > 0;
  let contextCost: Promise<MemoryCost> | undefined;
  return {
    create: (adapters) =>
      model.createContext({
        contextSize: options.contextSize,
        sequences: options.sequences,
        threads: options.threads,
        ...(adapters.length > 0
          ? { lora: { adapters: adapters.map((a) => ({ filePath: a.filePath, scale: a.scale })) } }
          : {}),
      }),
    async estimate(adapters) {
      contextCost ??= model.fileInsights
        .estimateContextResourceRequirementsV2({
          contextSize: options.contextSize,
          sequences: options.sequences,
          modelGpuLayers: model.gpuLayers,
        })
        .then((r) => ({ ramBytes: r.cpuRam, vramBytes: r.gpuVram }));
      const base = await contextCost;
      const adapterBytes = await adapterFileBytes(adapters);
      return {
        ramBytes: base.ramBytes + (onGpu ? 0 : adapterBytes),
        vramBytes: base.vramBytes + (onGpu ? adapterBytes : 0),
      };
    },
    releaseAdapter: (filePath) => releaseLoraWeights(model, filePath),
  };
}

/**
 * Frees a LoRA adapter's weights from a model. node-llama-cpp 3.22.1 keeps every adapter it loaded until the model
 * is disposed (its public API has no unload); this reaches its model-level adapter map (`_loraAdapters`, keyed by
 * resolved path) and disposes the entry, which calls llama.cpp's `llama_adapter_lora_free`. Only call it after
 * every context that used the adapter is disposed. When the library's internals differ (another version), nothing
 * is freed and false is returned: the weights then stay until the model is disposed, which is only a memory cost.
 */
export async function releaseLoraWeights(model: LlamaModel, filePath: string): Promise<boolean> {
  const adapters = (model as unknown as { _loraAdapters?: unknown })._loraAdapters;
  if (!(adapters instanceof Map)) return false;
  const key = resolve(process.cwd(), filePath);
  const lora = adapters.get(key) as { dispose?: () => Promise<void> } | undefined;
  if (lora === undefined || typeof lora.dispose !== "function") return false;
  adapters.delete(key);
  await lora.dispose();
  return true;
}

/**
 * The default budget: half the free RAM and, with a GPU, 80 % of the free VRAM, read from node-llama-cpp when the
 * model is loaded (what the model itself took is already gone from "free").
 */
export async function defaultMemoryBudget(llama: Llama): Promise<MemoryBudget> {
  const ram = await llama.getRamState();
  const budget: MemoryBudget = { ramBytes: Math.floor(ram.free * 0.5) };
  if (llama.gpu !== false) {
    const vram = await llama.getVramState();
    if (vram.total > 0) budget.vramBytes = Math.floor(vram.free * 0.8);
  }
  return budget;
}

async function adapterFileBytes(adapters: readonly AgentAdapter[]): Promise<number> {
  let total = 0;
  for (const adapter of adapters) total += (await stat(adapter.filePath).catch(() => ({ size: 0 }))).size;
  return total;
}
