import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError } from "../core/errors.js";

/**
 * Environment variables the CLI reads. Flags win over these; these win over defaults.
 *
 * - `TANUKI_MODEL`: GGUF path or model URI (`hf:...`, `https://...`) used when `--model` is absent.
 * - `TANUKI_MODEL_DIR`: where downloaded models are cached. Default `~/.cache/tanuki/models`.
 * - `TANUKI_SANDBOX_IMAGE`: sandbox image. Default `tanuki-sandbox:latest`.
 * - `TANUKI_THREADS`: generation threads; default chosen from the CPUs the process may use.
 * - `TANUKI_WORK_DIR`: where work copies are created. Default the OS temp folder.
 * - `TANUKI_TRACE_MAX_BYTES`: cap of one run's trace file, bytes (at least 65536). Default 64 MiB.
 * - `TANUKI_ALLOW_REPO_MCP`: `1`/`true` lets `tanuki app` start the MCP servers a repository declares in
 *   `.github/tanuki.yml` (in the job's sandbox; see docs/ide.md). Default off.
 */
/** A generation thread count, as a flag or variable gives it (a whole number, 1..512). */
export const ThreadCount = z.coerce.number().int().min(1).max(512);

export const CliEnv = z.object({
  TANUKI_MODEL: z.string().min(1).optional(),
  TANUKI_MODEL_DIR: z.string().min(1).optional(),
  TANUKI_SANDBOX_IMAGE: z.string().min(1).optional(),
  TANUKI_THREADS: ThreadCount.optional(),
  TANUKI_WORK_DIR: z.string().min(1).optional(),
  TANUKI_TRACE_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(64 * 1024)
    .optional(),
  TANUKI_ALLOW_REPO_MCP: z
    .enum(["0", "1", "true", "false"])
    .transform((value) => value === "1" || value === "true")
    .optional(),
});
export type CliEnv = z.infer<typeof CliEnv>;

/** Where downloaded models are cached when neither `--dir`/`modelDir` nor `TANUKI_MODEL_DIR` says. */
export const DEFAULT_MODEL_DIR = join(homedir(), ".cache", "tanuki", "models");

/**
 * Validate the CLI's environment.
 * @throws ConfigError naming each invalid variable
 */
export function readCliEnv(env: NodeJS.ProcessEnv): CliEnv {
  const parsed = CliEnv.safeParse(env);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigError(`Invalid environment:\n  ${issues.join("\n  ")}`, issues);
}
