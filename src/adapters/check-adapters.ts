import { access } from "node:fs/promises";
import { join } from "node:path";
import {
  type BaseModelIdentity,
  checkLoraAgainstBase,
  readBaseModelIdentity,
  readLoraAdapterInfo,
} from "../llm/lora-check.js";
import { ADAPTER_MANIFEST_FILE, type AdapterBaseModel, readAdapterManifest } from "./adapter-manifest.js";
import { type RosterAdapterSource, resolveAgentAdapters } from "./agent-adapters.js";

/** One agent's adapter, as found on disk. */
export interface AdapterStatus {
  agent: string;
  filePath: string;
  scale: number;
  /** `ok`: fits the base model; `missing`: no such file; `mismatch`: problems below; `unchecked`: no base model. */
  state: "ok" | "missing" | "mismatch" | "unchecked";
  sizeBytes?: number;
  rank?: number;
  /** One line per problem (empty when ok). */
  problems: string[];
}

/** Result of {@link checkAdapters}. */
export interface AdapterReport {
  dir: string;
  manifestPath: string;
  manifestFound: boolean;
  /** The configured base model's identity, when a model path was given. */
  baseModel?: Omit<BaseModelIdentity, "tensors">;
  /** Where the manifest's `baseModel` disagrees with the configured model. */
  baseProblems: string[];
  adapters: AdapterStatus[];
}

/**
 * Reads the manifest (and the roster's adapter entries), then checks every adapter file: present, a GGUF LoRA
 * adapter, trained for the configured base model (architecture and every tensor shape, from the GGUF headers;
 * see `checkLoraAgainstBase`) and for the base model the manifest declares.
 *
 * @param options.modelPath  the configured base model (a local GGUF); without it adapters are only read
 * @throws ConfigError when the manifest is invalid
 * @throws ModelError when the base model cannot be read
 */
export async function checkAdapters(options: {
  dir: string;
  modelPath?: string;
  roster?: readonly RosterAdapterSource[];
}): Promise<AdapterReport> {
  const manifest = await readAdapterManifest(options.dir);
  const base = options.modelPath ? await readBaseModelIdentity(options.modelPath) : undefined;
  const declared = new Map((manifest?.adapters ?? []).map((e) => [e.agent, e.baseModel ?? manifest?.baseModel]));
  const baseProblems = manifest && base ? compareDeclaredBase(manifest.baseModel, base) : [];
  const adapters: AdapterStatus[] = [];
  const resolved = resolveAgentAdapters({ dir: options.dir, manifest, roster: options.roster });
  for (const [agent, adapter] of Object.entries(resolved)) {
    const status: AdapterStatus = {
      agent,
      filePath: adapter.filePath,
      scale: adapter.scale,
      state: "ok",
      problems: [],
    };
    adapters.push(status);
    if (!(await exists(adapter.filePath))) {
      status.state = "missing";
      status.problems.push(`file not found: ${adapter.filePath}`);
      continue;
    }
    let info: Awaited<ReturnType<typeof readLoraAdapterInfo>>;
    try {
      info = await readLoraAdapterInfo(adapter.filePath);
    } catch (error) {
      status.state = "mismatch";
      status.problems.push((error as Error).message);
      continue;
    }
    status.sizeBytes = info.sizeBytes;
    status.rank = info.rank;
    if (base === undefined) {
      status.state = "unchecked";
      continue;
    }
    const declaredBase = declared.get(agent);
    status.problems.push(
      ...checkLoraAgainstBase(info, base),
      ...(declaredBase ? compareDeclaredBase(declaredBase, base) : []),
    );
    if (status.problems.length > 0) status.state = "mismatch";
  }
  const { tensors: _tensors, ...identity } = base ?? { tensors: undefined };
  return {
    dir: options.dir,
    manifestPath: join(options.dir, ADAPTER_MANIFEST_FILE),
    manifestFound: manifest !== undefined,
    ...(base ? { baseModel: identity as Omit<BaseModelIdentity, "tensors"> } : {}),
    baseProblems,
    adapters,
  };
}

/** Where a declared base model disagrees with the actual one (architecture, embedding length, layers). */
export function compareDeclaredBase(declared: AdapterBaseModel, actual: BaseModelIdentity): string[] {
  const problems: string[] = [];
  if (declared.architecture !== actual.architecture) {
    problems.push(`trained for architecture ${declared.architecture}, the model is ${actual.architecture}`);
  }
  if (declared.embeddingLength !== undefined && declared.embeddingLength !== actual.embeddingLength) {
    problems.push(`trained for embedding ${declared.embeddingLength}, the model has ${actual.embeddingLength ?? "?"}`);
  }
  if (declared.blockCount !== undefined && declared.blockCount !== actual.blockCount) {
    problems.push(`trained for ${declared.blockCount} layers, the model has ${actual.blockCount ?? "?"}`);
  }
  return problems;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
