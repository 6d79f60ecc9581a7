import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ConfigError } from "../core/errors.js";

/** File name of the manifest inside the adapters folder. */
export const ADAPTER_MANIFEST_FILE = "adapters.yml";

/** The base model adapters were trained for, as its GGUF header states it (checked against the configured model). */
export const AdapterBaseModel = z
  .object({
    /** `general.architecture`, e.g. `qwen2`, `llama`. */
    architecture: z.string().min(1).max(64),
    /** `<arch>.embedding_length`. */
    embeddingLength: z.number().int().positive().optional(),
    /** `<arch>.block_count` (layers). */
    blockCount: z.number().int().positive().optional(),
    /** Informational: the model's name (e.g. `Qwen2.5-Coder-1.5B-Instruct`). */
    name: z.string().max(200).optional(),
  })
  .strict();
export type AdapterBaseModel = z.infer<typeof AdapterBaseModel>;

/** One agent's adapter. */
export const AdapterEntry = z
  .object({
    /** Roster id, e.g. `tanuki-coder`. */
    agent: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "a roster id such as tanuki-coder"),
    /** GGUF LoRA file, relative to the adapters folder (absolute paths are allowed). */
    file: z.string().min(1).max(500),
    /** Strength: 0 = no effect, 1 = as trained. Default 1. */
    scale: z.number().min(0).max(4).default(1),
    /** Overrides the manifest's `baseModel` for this adapter. */
    baseModel: AdapterBaseModel.optional(),
  })
  .strict();
export type AdapterEntry = z.infer<typeof AdapterEntry>;

/**
 * `adapters/adapters.yml`: which LoRA adapter each agent runs with, and the base model they were trained for.
 * Agents that are not listed run on the base model.
 */
export const AdapterManifest = z
  .object({
    version: z.literal(1),
    baseModel: AdapterBaseModel,
    adapters: z.array(AdapterEntry).max(64),
  })
  .strict()
  .superRefine((manifest, ctx) => {
    const seen = new Set<string>();
    manifest.adapters.forEach((entry, index) => {
      if (seen.has(entry.agent)) {
        ctx.addIssue({ code: "custom", path: ["adapters", index, "agent"], message: `${entry.agent} is listed twice` });
      }
      seen.add(entry.agent);
    });
  });
export type AdapterManifest = z.infer<typeof AdapterManifest>;

/**
 * Validates a parsed manifest.
 * @param source  where it came from, for the error message
 * @throws ConfigError with one issue per invalid key (`adapters.0.scale: …`)
 */
export function parseAdapterManifest(value: unknown, source: string): AdapterManifest {
  const parsed = AdapterManifest.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new ConfigError(`Invalid adapter manifest ${source}:\n  ${issues.join("\n  ")}`, issues);
}

/**
 * Reads `<dir>/adapters.yml`.
 * @returns the manifest, or undefined when the file does not exist (no adapters: every agent runs on the base model)
 * @throws ConfigError when the file is not valid YAML or does not match {@link AdapterManifest}
 */
export async function readAdapterManifest(dir: string): Promise<AdapterManifest | undefined> {
  const path = join(dir, ADAPTER_MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`Cannot read the adapter manifest ${path}: ${String(error)}`, [], { cause: error });
  }
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`The adapter manifest ${path} is not valid YAML: ${String(error)}`, [], { cause: error });
  }
  return parseAdapterManifest(value, path);
}
