/** The llm layer's public surface: the ChatModel port, the node-llama-cpp backend, model resolution, threads. */
export type { ChatMessage, ChatModel, StructuredAnswer, StructuredCall } from "./chat-model.js";
export {
  DEFAULT_MAX_TOKENS,
  type LlamaCppLogger,
  LlamaCppModel,
  type LlamaCppModelOptions,
} from "./llama-cpp-model.js";
export { parseStructured } from "./parse-structured.js";
export {
  DEFAULT_MODEL_URI,
  isModelUri,
  type ModelDownloader,
  type ModelDownloadProgress,
  type ResolveModelOptions,
  resolveModel,
} from "./resolve-model.js";
export { StructuredOutputError, type StructuredOutputFailure } from "./structured-output-error.js";
export { availableCpuCount, chooseThreads } from "./threads.js";
export { zodToGbnfSchema } from "./zod-to-gbnf.js";
