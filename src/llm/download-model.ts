import { resolveModelFile } from "node-llama-cpp";

/** Download progress, bytes. `totalBytes` is undefined while the size is unknown. */
export interface ModelDownloadProgress {
  downloadedBytes: number;
  totalBytes?: number;
}

/** Options of {@link downloadModelFile}. */
export interface DownloadModelOptions {
  /** Directory where the file is looked up and downloaded to. */
  directory: string;
  onProgress?: (p: ModelDownloadProgress) => void;
  signal?: AbortSignal;
  /** Hugging Face endpoint for `hf:` URIs. Default `https://huggingface.co/`. */
  huggingFaceEndpoint?: string;
  /** Give up when no progress is reported for this long, ms. Default 120,000. */
  stallTimeoutMs?: number;
  /** Time limit of the reachability check, ms. Default 15,000. */
  preflightTimeoutMs?: number;
}

const DEFAULT_HF_ENDPOINT = "https://huggingface.co/";

/**
 * Finds or downloads the file a model URI names, with node-llama-cpp's `resolveModelFile`, made to fail fast:
 * `resolveModelFile` retries a failing connection for many minutes and does not stop on its abort signal while
 * retrying, so this first checks that the host answers (a `HEAD` request, any HTTP status counts as reachable
 * except 404 for a direct URL) and then gives up when the download reports no progress for `stallTimeoutMs`
 * or `signal` aborts (the abandoned download is left to finish its retries in the background).
 *
 * @returns the local path of the file
 * @throws Error describing why (host unreachable, not found, stalled); `signal.reason` when aborted
 */
export async function downloadModelFile(uri: string, options: DownloadModelOptions): Promise<string> {
  const endpoint = options.huggingFaceEndpoint ?? DEFAULT_HF_ENDPOINT;
  await preflight(uri, endpoint, options.preflightTimeoutMs ?? 15_000, options.signal);

  const stallMs = options.stallTimeoutMs ?? 120_000;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let failStalled: (error: Error) => void = () => undefined;
  const stalled = new Promise<never>((_, reject) => {
    failStalled = reject;
  });
  const armStallTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const error = new Error(`the download made no progress for ${Math.round(stallMs / 1000)} s`);
      controller.abort(error);
      failStalled(error);
    }, stallMs);
  };
  const onAbort = () => {
    controller.abort(options.signal?.reason);
    failStalled(options.signal?.reason instanceof Error ? options.signal.reason : new Error("aborted"));
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  armStallTimer();
  const download = resolveModelFile(uri, {
    directory: options.directory,
    cli: false,
    signal: controller.signal,
    endpoints: { huggingFace: endpoint },
    onProgress: ({ downloadedSize, totalSize }) => {
      armStallTimer();
      options.onProgress?.({ downloadedBytes: downloadedSize, totalBytes: totalSize > 0 ? totalSize : undefined });
    },
  });
  download.catch(() => undefined);
  try {
    return await Promise.race([download, stalled]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}

async function preflight(uri: string, hfEndpoint: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const direct = /^https?:\/\//i.test(uri);
  const url = direct ? uri : hfEndpoint;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let status: number;
  try {
    const response = await fetch(url, { method: "HEAD", redirect: "follow", signal: combined });
    status = response.status;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = timeout.aborted
      ? `no answer within ${timeoutMs} ms`
      : (cause?.code ?? cause?.message ?? String(error));
    throw new Error(`${new URL(url).host} is unreachable (${detail})`, { cause: error });
  }
  if (direct && status === 404) throw new Error(`${url} was not found (HTTP 404)`);
}
