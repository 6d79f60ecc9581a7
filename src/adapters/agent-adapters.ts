import { isAbsolute, resolve } from "node:path";
import type { AgentAdapter } from "../llm/adapter-contexts.js";
import type { AdapterManifest } from "./adapter-manifest.js";

/** What this module needs of a roster entry (`RosterEntry` from src/agents satisfies it). */
export interface RosterAdapterSource {
  id: string;
  adapter?: { file: string; scale: number };
}

/**
 * The adapter of every agent that has one: the roster's own `adapter` entries, overridden by the manifest's.
 * Relative files are resolved against `dir` (the adapters folder). Agents absent from both run on the base model.
 *
 * @returns agent id → `{ filePath (absolute), scale }`
 */
export function resolveAgentAdapters(options: {
  dir: string;
  manifest?: AdapterManifest;
  roster?: readonly RosterAdapterSource[];
}): Record<string, AgentAdapter> {
  const result: Record<string, AgentAdapter> = {};
  const place = (file: string) => (isAbsolute(file) ? file : resolve(options.dir, file));
  for (const entry of options.roster ?? []) {
    if (entry.adapter) result[entry.id] = { filePath: place(entry.adapter.file), scale: entry.adapter.scale };
  }
  for (const entry of options.manifest?.adapters ?? []) {
    result[entry.agent] = { filePath: place(entry.file), scale: entry.scale };
  }
  return result;
}
