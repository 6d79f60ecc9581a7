import { rm } from "node:fs/promises";
import cliProgress from "cli-progress";
import { DEFAULT_MODEL_DIR, readCliEnv } from "../config/cli-env.js";
import { ModelError, UsageError } from "../core/errors.js";
import { fileSha256 } from "../llm/file-sha256.js";
import { DEFAULT_MODEL_URI, isModelUri, resolveModel } from "../llm/resolve-model.js";

/** Flags of `tanuki models pull`. */
export interface ModelsPullFlags {
  sha256?: string;
  dir?: string;
}

/** What the command needs from its process. */
export interface ModelsCommandContext {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): void };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  signal?: AbortSignal;
}

/**
 * `tanuki models pull [uri]`: downloads a GGUF model (default: Tanuki's default model) into the model cache
 * (`--dir`, `TANUKI_MODEL_DIR` or `~/.cache/tanuki/models`) with a progress bar, or finds it there, then prints its
 * path and SHA-256. With `--sha256 <hex>` the file must match: a file that does not is deleted (so a corrupt
 * download is never used) and the command fails. A local path is checked and hashed the same way.
 *
 * @returns 0 on success
 * @throws UsageError for a malformed checksum; ModelError (code `model-download`) when the download fails, or
 *   when the checksum does not match
 */
export async function runModelsPullCommand(
  uri: string | undefined,
  flags: ModelsPullFlags,
  context: ModelsCommandContext,
): Promise<number> {
  const env = readCliEnv(context.env);
  const expected = flags.sha256?.trim().toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) {
    throw new UsageError("--sha256 must be 64 hexadecimal characters");
  }
  const spec = uri ?? env.TANUKI_MODEL ?? DEFAULT_MODEL_URI;
  const cacheDir = flags.dir ?? env.TANUKI_MODEL_DIR ?? DEFAULT_MODEL_DIR;
  let bar: cliProgress.SingleBar | undefined;
  const path = await (async () => {
    try {
      return await resolveModel(spec, {
        cacheDir,
        signal: context.signal,
        onProgress: ({ downloadedBytes, totalBytes }) => {
          if (bar === undefined) {
            bar = new cliProgress.SingleBar(
              {
                format: "downloading [{bar}] {percentage}% {value}/{total} MB",
                stream: context.stderr,
                noTTYOutput: !context.stderr.isTTY,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(Math.max(1, Math.round((totalBytes ?? downloadedBytes) / 1e6)), 0);
          }
          bar.update(Math.round(downloadedBytes / 1e6));
        },
      });
    } finally {
      bar?.stop();
    }
  })();
  context.stderr.write("computing sha256…\n");
  const actual = await fileSha256(path, context.signal);
  if (expected !== undefined && actual !== expected) {
    if (isModelUri(spec)) await rm(path, { force: true });
    throw new ModelError(
      `Checksum mismatch for ${spec}: expected sha256 ${expected}, got ${actual}` +
        (isModelUri(spec) ? `; the file was deleted, run the pull again` : "; the local file was left as it is"),
      { code: "model-download" },
    );
  }
  context.stdout.write(`${path}\nsha256 ${actual}${expected ? " (verified)" : ""}\n`);
  return 0;
}
