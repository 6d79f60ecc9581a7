/**
 * The llm layer's public surface: the ChatModel port, the node-llama-cpp backend (one LoRA adapter per agent), the
 * OpenAI-compatible backend, adapter checks, model resolution, threads.
 */
export {
  type AdapterCacheStats,
  AdapterContexts,
  type AgentAdapter,
  adapterSetKey,
  type LeaseFacts,
} from "./adapter-contexts.js";
export type { ChatMessage, ChatModel, StructuredAnswer, StructuredCall } from "./chat-model.js";
export { ContextOverflowError } from "./context-overflow-error.js";
export { fileSha256 } from "./file-sha256.js";
export {
  DEFAULT_MAX_TOKENS,
  type LlamaCppLogger,
  LlamaCppModel,
  type LlamaCppModelOptions,
  type TextGenerationRequest,
  type TextGenerationResult,
} from "./llama-cpp-model.js";
export {
  AdapterMismatchError,
  assertLoraFitsBase,
  type BaseModelIdentity,
  checkLoraAgainstBase,
  type LoraAdapterInfo,
  readBaseModelIdentity,
  readLoraAdapterInfo,
} from "./lora-check.js";
export { LruBudget, type MemoryBudget, type MemoryCost } from "./lru-budget.js";
export { OpenAICompatibleModel, type OpenAICompatibleOptions } from "./openai-compatible-model.js";
export { parseStructured } from "./parse-structured.js";
export {
  DEFAULT_MODEL_URI,
  findModel,
  isModelUri,
  type ModelDownloader,
  type ModelDownloadProgress,
  type ResolveModelOptions,
  resolveModel,
} from "./resolve-model.js";
export { StructuredOutputError, type StructuredOutputFailure } from "./structured-output-error.js";
export { availableCpuCount, chooseThreads } from "./threads.js";
export { jsonSchemaToGbnfSchema, zodToGbnfSchema } from "./zod-to-gbnf.js";
