import type { ChatModel } from "./chat-model.js";

/**
 * A backend that can send chosen agents' calls to other served models for a while without being changed itself
 * (`OpenAICompatibleModel.withModels`).
 */
export interface AgentModelRouting {
  /** A model whose agents in `overrides` (agent id → served model name) call those models. */
  withModels(overrides: Readonly<Record<string, string>>): ChatModel;
}

/** Outcome of {@link chooseAgentModels}. */
export interface AgentModelChoice {
  /** The model to run the job with: a routing view, or the given model itself. */
  model: ChatModel;
  /**
   * Requested agent → model name pairs the backend cannot honour (it has no routing and the name is not the
   * model it runs), in the order requested; empty when every choice is honoured.
   */
  ignored: [agent: string, modelName: string][];
}

/** True when `model` can route agents to other served models ({@link AgentModelRouting}). */
export function canRouteAgentModels(model: ChatModel): model is ChatModel & AgentModelRouting {
  return typeof (model as Partial<AgentModelRouting>).withModels === "function";
}

/**
 * Apply a per-job choice of model per agent (e.g. `.github/tanuki.yml` `models`) to a shared model without
 * mutating it. A routing backend (OpenAI-compatible) gets a view where those agents call the named models; any
 * other backend (node-llama-cpp: one loaded base model, one LoRA adapter per agent) is returned as is, with the
 * choices it cannot honour listed in `ignored` (a name equal to `model.name` is already honoured).
 *
 * @param requested agent id → model name; empty = the backend's own choice
 */
export function chooseAgentModels(model: ChatModel, requested: Readonly<Record<string, string>>): AgentModelChoice {
  const entries = Object.entries(requested);
  if (entries.length === 0) return { model, ignored: [] };
  if (canRouteAgentModels(model)) return { model: model.withModels(requested), ignored: [] };
  return { model, ignored: entries.filter(([, name]) => name !== model.name) };
}
