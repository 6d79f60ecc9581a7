import { open, stat } from "node:fs/promises";
import { resolveModelFile } from "node-llama-cpp";
import { CancelledError, ModelError } from "../core/errors.js";
import { downloadModelFile, type ModelDownloadProgress } from "./download-model.js";

export type { ModelDownloadProgress } from "./download-model.js";

/**
 * The model used when none is given: Qwen2.5-Coder 1.5B Instruct, Q4_K_M (~1.1 GB), a small code-instruct model
 * with a chat template that runs on CPU. Written as a node-llama-cpp model URI (`hf:<owner>/<repo>/<file>`).
 */
export const DEFAULT_MODEL_URI = "hf:Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf";

/**
 * Downloads (or finds in `directory`) the file a model URI names and returns its local path. The default is
 * `downloadModelFile` (node-llama-cpp's `resolveModelFile`, made to fail fast); tests may inject a fake.
 */
export type ModelDownloader = (
  uri: string,
  options: {
    directory: string;
    onProgress?: (p: ModelDownloadProgress) => void;
    signal?: AbortSignal;
  },
) => Promise<string>;

/** Options of {@link resolveModel}. */
export interface ResolveModelOptions {
  /** Directory where downloaded models are stored and looked up. */
  cacheDir: string;
  /** Called as a download progresses. Not called for local paths or already-downloaded files. */
  onProgress?: (p: ModelDownloadProgress) => void;
  /** Cancels a download. */
  signal?: AbortSignal;
  /** Hugging Face endpoint for `hf:` URIs (a mirror). Default `https://huggingface.co/`. */
  huggingFaceEndpoint?: string;
  /** Replaces the downloader (tests). Default: `downloadModelFile`. */
  downloader?: ModelDownloader;
}

const GGUF_MAGIC = "GGUF";

/** True when `spec` is a model URI (`hf:…`, `http(s)://…`) rather than a local file path. */
export function isModelUri(spec: string): boolean {
  return /^(hf:|https?:\/\/)/i.test(spec);
}

/**
 * Turns a model spec into the path of a local GGUF file.
 *
 * - a local path: checked (exists, is a regular file, starts with the GGUF magic bytes) and returned as given;
 * - a URI (`hf:owner/repo/file.gguf`, `hf:owner/repo:quant`, `https://…/model.gguf`): found in `cacheDir` or
 *   downloaded there (see node-llama-cpp's "Model URIs"), then checked like a local path;
 * - undefined: {@link DEFAULT_MODEL_URI}.
 *
 * @throws ModelError (code `model`) when a local file is missing or is not a GGUF file
 * @throws ModelError (code `model-download`) when a URI cannot be resolved or downloaded; the message says how to
 *   pass a local file instead (`--model <path.gguf>` or `TANUKI_MODEL`)
 * @throws CancelledError when `signal` aborts
 */
export async function resolveModel(spec: string | undefined, options: ResolveModelOptions): Promise<string> {
  const wanted = spec === undefined || spec.trim() === "" ? DEFAULT_MODEL_URI : spec.trim();
  if (!isModelUri(wanted)) {
    await assertGgufFile(wanted);
    return wanted;
  }
  options.signal?.throwIfAborted();
  const download: ModelDownloader =
    options.downloader ??
    ((uri, rest) => downloadModelFile(uri, { ...rest, huggingFaceEndpoint: options.huggingFaceEndpoint }));
  let path: string;
  try {
    path = await download(wanted, {
      directory: options.cacheDir,
      onProgress: options.onProgress,
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError(`model download cancelled: ${wanted}`, { cause: error });
    const reason = error instanceof Error ? error.message : String(error);
    throw new ModelError(
      `Could not download the model ${wanted}: ${reason}. ` +
        "Download a GGUF model file yourself and pass its path with --model <path.gguf> " +
        "or the TANUKI_MODEL environment variable.",
      { code: "model-download", cause: error },
    );
  }
  await assertGgufFile(path);
  return path;
}

/**
 * Finds a model without downloading anything: a local path as given, a URI (or the default) in `cacheDir`.
 *
 * @returns the local GGUF path, or undefined when a URI has not been downloaded yet (`tanuki models pull`)
 * @throws ModelError (code `model`) when a local path is missing or not a GGUF file
 */
export async function findModel(spec: string | undefined, cacheDir: string): Promise<string | undefined> {
  const wanted = spec === undefined || spec.trim() === "" ? DEFAULT_MODEL_URI : spec.trim();
  if (!isModelUri(wanted)) {
    await assertGgufFile(wanted);
    return wanted;
  }
  let path: string;
  try {
    path = await resolveModelFile(wanted, { directory: cacheDir, download: false, cli: false });
  } catch {
    return undefined;
  }
  await assertGgufFile(path);
  return path;
}

/**
 * Checks that `path` is a readable regular file that starts with the 4 bytes `GGUF`.
 *
 * @throws ModelError (code `model`) naming the path and what is wrong
 */
export async function assertGgufFile(path: string): Promise<void> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ModelError(`Model path is not a file: ${path}`);
    size = info.size;
  } catch (error) {
    if (error instanceof ModelError) throw error;
    throw new ModelError(`Model file not found or unreadable: ${path}`, { cause: error });
  }
  const magic = size >= 4 ? await readMagic(path) : "";
  if (magic !== GGUF_MAGIC) {
    throw new ModelError(
      `Not a GGUF model file: ${path} (starts with ${JSON.stringify(magic)}, expected "GGUF"). ` +
        "Tanuki runs GGUF models through llama.cpp; convert or download a .gguf file.",
    );
  }
}

async function readMagic(path: string): Promise<string> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(4);
    const { bytesRead } = await handle.read(buffer, 0, 4, 0);
    return buffer.subarray(0, bytesRead).toString("latin1");
  } finally {
    await handle.close();
  }
}
