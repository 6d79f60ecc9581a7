import { writeFile } from "node:fs/promises";

/**
 * Test data generation: writes a small, valid GGUF LoRA adapter (F32 tensors) for a llama-architecture base model,
 * in the layout llama.cpp's `llama_adapter_lora_init` reads (see llama.cpp `src/llama-adapter.cpp` and
 * `convert_lora_to_gguf.py`):
 *
 * - metadata `general.type = "adapter"`, `adapter.type = "lora"`, `adapter.lora.alpha` (f32),
 *   `general.architecture`;
 * - for every adapted base tensor `W` with ggml dimensions `[n_in, n_out]`, a pair `W.lora_a` with dimensions
 *   `[n_in, rank]` and `W.lora_b` with `[rank, n_out]`; llama.cpp adds `scale * alpha / rank * B(A x)` to `W x`.
 *
 * GGUF v3 layout (little endian): magic `GGUF`, version u32, tensor count u64, metadata count u64, metadata
 * (key string, type u32, value), tensor infos (name, n_dims u32, dims u64[], ggml type u32, data offset u64),
 * padding to `general.alignment` (32), then the tensor data, each tensor aligned to 32 bytes.
 */

/** Dimensions of the base model the adapter is for (ggml order: `[n_in, n_out]` per weight). */
export interface LoraBaseShape {
  /** `general.architecture`. Default `llama`. */
  architecture?: string;
  /** Embedding length (`n_embd`). */
  embedding: number;
  /** Transformer blocks. */
  layers: number;
  /** Output width of `attn_k` / `attn_v` (`n_embd_head * n_head_kv`). */
  kvWidth: number;
  /** Feed-forward width. */
  feedForward: number;
}

/** The test model (stories260K): llama, 5 layers, embedding 64, 8 heads / 4 KV heads (kv width 32), FFN 172. */
export const STORIES_260K: LoraBaseShape = {
  architecture: "llama",
  embedding: 64,
  layers: 5,
  kvWidth: 32,
  feedForward: 172,
};

/** Options of {@link writeLoraGguf}. */
export interface LoraGgufOptions {
  base: LoraBaseShape;
  /** LoRA rank. Default 4. */
  rank?: number;
  /** `adapter.lora.alpha`. Default = rank (so the effective scale is the scale given at load time). */
  alpha?: number;
  /** Seed of the deterministic pseudo-random weights. Default 1. */
  seed?: number;
  /** Standard deviation-ish amplitude of the weights. Default 0.5 (large enough to change a tiny model's output). */
  amplitude?: number;
  /** Override `general.type` (to write an invalid file). Default `adapter`. */
  generalType?: string;
}

interface TensorSpec {
  name: string;
  dims: number[];
  data: Float32Array;
}

const GGUF_TYPE = { uint32: 4, float32: 6, string: 8 } as const;
const GGML_TYPE_F32 = 0;
const ALIGNMENT = 32;

/** Writes the adapter to `path` and returns the tensor names written. */
export async function writeLoraGguf(path: string, options: LoraGgufOptions): Promise<string[]> {
  const tensors = loraTensors(options);
  const metadata: [string, "string" | "float32" | "uint32", string | number][] = [
    ["general.architecture", "string", options.base.architecture ?? "llama"],
    ["general.type", "string", options.generalType ?? "adapter"],
    ["general.name", "string", `tanuki-test-lora-${options.seed ?? 1}`],
    ["general.alignment", "uint32", ALIGNMENT],
    ["adapter.type", "string", "lora"],
    ["adapter.lora.alpha", "float32", options.alpha ?? options.rank ?? 4],
  ];
  await writeFile(path, encodeGguf(metadata, tensors));
  return tensors.map((t) => t.name);
}

function loraTensors(options: LoraGgufOptions): TensorSpec[] {
  const { embedding: e, layers, kvWidth, feedForward: ff } = options.base;
  const rank = options.rank ?? 4;
  const random = mulberry32(options.seed ?? 1);
  const amplitude = options.amplitude ?? 0.5;
  const fill = (length: number) => Float32Array.from({ length }, () => (random() * 2 - 1) * amplitude);
  const weights: [string, number, number][] = [];
  for (let layer = 0; layer < layers; layer++) {
    weights.push(
      [`blk.${layer}.attn_q.weight`, e, e],
      [`blk.${layer}.attn_k.weight`, e, kvWidth],
      [`blk.${layer}.attn_v.weight`, e, kvWidth],
      [`blk.${layer}.attn_output.weight`, e, e],
      [`blk.${layer}.ffn_up.weight`, e, ff],
      [`blk.${layer}.ffn_down.weight`, ff, e],
    );
  }
  return weights.flatMap(([name, nIn, nOut]) => [
    { name: `${name}.lora_a`, dims: [nIn, rank], data: fill(nIn * rank) },
    { name: `${name}.lora_b`, dims: [rank, nOut], data: fill(rank * nOut) },
  ]);
}

function encodeGguf(
  metadata: [string, "string" | "float32" | "uint32", string | number][],
  tensors: TensorSpec[],
): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    parts.push(b);
  };
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    parts.push(b);
  };
  const str = (s: string) => {
    const bytes = Buffer.from(s, "utf8");
    u64(bytes.length);
    parts.push(bytes);
  };

  parts.push(Buffer.from("GGUF", "latin1"));
  u32(3);
  u64(tensors.length);
  u64(metadata.length);
  for (const [key, type, value] of metadata) {
    str(key);
    u32(GGUF_TYPE[type]);
    if (type === "string") str(String(value));
    else if (type === "uint32") u32(Number(value));
    else {
      const b = Buffer.alloc(4);
      b.writeFloatLE(Number(value));
      parts.push(b);
    }
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    offsets.push(offset);
    offset = align(offset + tensor.data.byteLength);
  }
  tensors.forEach((tensor, i) => {
    str(tensor.name);
    u32(tensor.dims.length);
    for (const dim of tensor.dims) u64(dim);
    u32(GGML_TYPE_F32);
    u64(offsets[i] ?? 0);
  });
  const header = Buffer.concat(parts);
  const data = Buffer.alloc(offset);
  tensors.forEach((tensor, i) => {
    Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength).copy(data, offsets[i]);
  });
  return Buffer.concat([header, Buffer.alloc(align(header.length) - header.length), data]);
}

function align(n: number): number {
  return Math.ceil(n / ALIGNMENT) * ALIGNMENT;
}

/** Small deterministic PRNG (mulberry32) so adapters are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
