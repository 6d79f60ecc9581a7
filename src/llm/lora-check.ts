import { stat } from "node:fs/promises";
import { readGgufFileInfo } from "node-llama-cpp";
import { ModelError } from "../core/errors.js";

/** What identifies a base model for adapter compatibility, read from its GGUF header (no weights loaded). */
export interface BaseModelIdentity {
  path: string;
  /** `general.architecture`, e.g. `llama`, `qwen2`. */
  architecture: string;
  /** `general.name`, when present. */
  name?: string;
  /** `<arch>.embedding_length` (`n_embd`). */
  embeddingLength?: number;
  /** `<arch>.block_count` (layers). */
  blockCount?: number;
  /** Dimensions (ggml order, `[n_in, n_out]` for a weight) of every tensor, by name. */
  tensors: ReadonlyMap<string, readonly number[]>;
}

/** A GGUF LoRA adapter's header: its metadata and its A/B tensor pairs, keyed by the base tensor they adapt. */
export interface LoraAdapterInfo {
  path: string;
  /** File size, bytes (≈ the memory the adapter takes once loaded: its tensors are stored unquantised or as-is). */
  sizeBytes: number;
  /** `general.type` (must be `adapter`). */
  generalType?: string;
  /** `adapter.type` (must be `lora`). */
  adapterType?: string;
  architecture?: string;
  name?: string;
  /** `adapter.lora.alpha`; llama.cpp scales the update by `scale * alpha / rank` (0 = no alpha: `scale`). */
  alpha?: number;
  /** Rank of the first pair (`lora_b` rows). */
  rank?: number;
  pairs: ReadonlyMap<string, { a?: readonly number[]; b?: readonly number[] }>;
}

/**
 * An adapter that does not fit the base model (or is not a LoRA adapter at all). A `ModelError` (code `model`)
 * listing every problem found; the message names the adapter, the agent and the base model.
 */
export class AdapterMismatchError extends ModelError {
  readonly adapterPath: string;
  readonly problems: readonly string[];
  constructor(message: string, adapterPath: string, problems: readonly string[]) {
    super(message);
    this.adapterPath = adapterPath;
    this.problems = problems;
  }
}

/**
 * Reads the base model's identity from its GGUF header.
 * @throws ModelError when the file cannot be read as GGUF
 */
export async function readBaseModelIdentity(path: string): Promise<BaseModelIdentity> {
  const info = await readHeader(path, "model");
  const general = (info.metadata as { general?: { architecture?: string; name?: string } }).general ?? {};
  const arch = (info.architectureMetadata ?? {}) as { embedding_length?: number; block_count?: number };
  return {
    path,
    architecture: String(general.architecture ?? "unknown"),
    name: general.name,
    embeddingLength: arch.embedding_length,
    blockCount: arch.block_count,
    tensors: new Map((info.tensorInfo ?? []).map((t) => [t.name, t.dimensions.map(Number)])),
  };
}

/**
 * Reads a LoRA adapter's GGUF header.
 * @throws ModelError when the file is missing or cannot be read as GGUF
 */
export async function readLoraAdapterInfo(path: string): Promise<LoraAdapterInfo> {
  let sizeBytes: number;
  try {
    sizeBytes = (await stat(path)).size;
  } catch (error) {
    throw new ModelError(`Adapter file not found or unreadable: ${path}`, { cause: error });
  }
  const info = await readHeader(path, "adapter");
  const metadata = info.metadata as {
    general?: { architecture?: string; type?: string; name?: string };
    adapter?: { type?: string; lora?: { alpha?: number } };
  };
  const pairs = new Map<string, { a?: number[]; b?: number[] }>();
  for (const tensor of info.tensorInfo ?? []) {
    const match = /^(.*)\.lora_(a|b)$/.exec(tensor.name);
    if (match === null) continue;
    const [, base, part] = match as unknown as [string, string, "a" | "b"];
    const pair = pairs.get(base) ?? {};
    pair[part] = tensor.dimensions.map(Number);
    pairs.set(base, pair);
  }
  const first = pairs.values().next().value;
  return {
    path,
    sizeBytes,
    generalType: metadata.general?.type,
    adapterType: metadata.adapter?.type,
    architecture: metadata.general?.architecture,
    name: metadata.general?.name,
    alpha: metadata.adapter?.lora?.alpha,
    rank: first?.b?.[0],
    pairs,
  };
}

/**
 * Every reason `adapter` cannot be applied to `base`, following llama.cpp's own checks (`llama_adapter_lora_init`):
 * `general.type` must be `adapter` and `adapter.type` `lora`; the architectures must be equal; every `X.lora_a` /
 * `X.lora_b` pair must be complete, `X` must exist in the base model, and for a weight `X` of dimensions
 * `[n_in, n_out]`, `lora_a` must be `[n_in, r]` and `lora_b` `[r, n_out]` (for `token_embd`, A and B are flipped).
 *
 * @returns problems, one line each; empty when the adapter fits
 */
export function checkLoraAgainstBase(adapter: LoraAdapterInfo, base: BaseModelIdentity): string[] {
  const problems: string[] = [];
  if (adapter.generalType !== "adapter") {
    problems.push(`general.type is ${JSON.stringify(adapter.generalType)}, expected "adapter" (not a GGUF adapter)`);
  }
  if (adapter.adapterType !== "lora") {
    problems.push(`adapter.type is ${JSON.stringify(adapter.adapterType)}, expected "lora"`);
  }
  if (adapter.architecture !== base.architecture) {
    problems.push(
      `architecture ${JSON.stringify(adapter.architecture)} does not match the base model's ${JSON.stringify(base.architecture)}`,
    );
  }
  if (adapter.pairs.size === 0) problems.push("the adapter has no lora_a/lora_b tensors");
  let shapeProblems = 0;
  for (const [name, pair] of adapter.pairs) {
    const problem = pairProblem(name, pair, base.tensors.get(name));
    if (problem === undefined) continue;
    shapeProblems++;
    if (shapeProblems <= 3) problems.push(problem);
  }
  if (shapeProblems > 3) problems.push(`… and ${shapeProblems - 3} more tensors that do not fit`);
  return problems;
}

/**
 * Reads an adapter and checks it against the base model.
 * @param label  who the adapter is for, in the message (e.g. `tanuki-coder`)
 * @returns the adapter's header when it fits
 * @throws AdapterMismatchError listing the problems (with a hint to retrain or pick the matching base model)
 * @throws ModelError when the file is missing or unreadable
 */
export async function assertLoraFitsBase(
  adapterPath: string,
  base: BaseModelIdentity,
  label: string,
): Promise<LoraAdapterInfo> {
  const adapter = await readLoraAdapterInfo(adapterPath);
  const problems = checkLoraAgainstBase(adapter, base);
  if (problems.length > 0) {
    throw new AdapterMismatchError(
      `The LoRA adapter for ${label} (${adapterPath}) does not fit the base model ${base.name ?? base.path} ` +
        `(${base.architecture}, embedding ${base.embeddingLength ?? "?"}, ${base.blockCount ?? "?"} layers):\n  ` +
        `${problems.join("\n  ")}\nUse the base model the adapter was trained for, or remove the adapter from ` +
        "adapters/adapters.yml (the agent then runs on the base model).",
      adapterPath,
      problems,
    );
  }
  return adapter;
}

function pairProblem(
  name: string,
  pair: { a?: readonly number[]; b?: readonly number[] },
  weight: readonly number[] | undefined,
): string | undefined {
  if (pair.a === undefined || pair.b === undefined) return `${name}: the lora_a/lora_b pair is incomplete`;
  if (weight === undefined) return `${name}: no such tensor in the base model`;
  const [a0, a1] = pair.a;
  const [b0, b1] = pair.b;
  const [w0, w1] = weight;
  const fits = name.endsWith("token_embd.weight") ? w0 === b1 && w1 === a1 : w0 === a0 && w1 === b1 && a1 === b0;
  if (fits) return undefined;
  return `${name}: lora_a [${pair.a.join(", ")}] and lora_b [${pair.b.join(", ")}] do not fit the base weight [${weight.join(", ")}]`;
}

/** Vocabulary arrays: large, and not needed to compare shapes. */
const LARGE_KEYS = [
  "tokenizer.ggml.tokens",
  "tokenizer.ggml.scores",
  "tokenizer.ggml.token_type",
  "tokenizer.ggml.merges",
];

async function readHeader(path: string, what: string): Promise<Awaited<ReturnType<typeof readGgufFileInfo>>> {
  try {
    return await readGgufFileInfo(path, {
      readTensorInfo: true,
      sourceType: "filesystem",
      logWarnings: false,
      ignoreKeys: LARGE_KEYS,
    });
  } catch (error) {
    throw new ModelError(`Could not read the GGUF header of the ${what} ${path}: ${String(error)}`, { cause: error });
  }
}
