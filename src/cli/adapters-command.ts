import { basename, resolve } from "node:path";
import { type AdapterReport, checkAdapters } from "../adapters/check-adapters.js";
import { DEFAULT_ROSTER } from "../agents/index.js";
import { DEFAULT_MODEL_DIR, readCliEnv } from "../config/cli-env.js";
import { UsageError } from "../core/errors.js";
import { findModel } from "../llm/resolve-model.js";
import { EXIT_USAGE } from "./exit-codes.js";

/** Flags of `tanuki adapters list|check`. */
export interface AdaptersFlags {
  dir?: string;
  model?: string;
  json?: boolean;
}

/** What the command needs from its process. */
export interface AdaptersCommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): void };
}

/**
 * `tanuki adapters list` shows each agent's adapter (file, scale, size, rank, present or not);
 * `tanuki adapters check` also checks each against the configured base model's GGUF header (architecture,
 * every tensor shape, and the base model the manifest declares). The folder is `--dir`, `TANUKI_ADAPTERS_DIR`
 * or `./adapters`; the model `--model`, `TANUKI_MODEL` or the default model (when downloaded).
 *
 * @returns 0 when every adapter is present (list) or fits (check); 2 otherwise
 * @throws ConfigError when the manifest is invalid; UsageError when `check` has no local model
 */
export async function runAdaptersCommand(
  action: "list" | "check",
  flags: AdaptersFlags,
  context: AdaptersCommandContext,
): Promise<number> {
  const env = readCliEnv(context.env);
  const dir = resolve(context.cwd, flags.dir ?? context.env.TANUKI_ADAPTERS_DIR ?? "adapters");
  let modelPath: string | undefined;
  if (action === "check") {
    const spec = flags.model ?? env.TANUKI_MODEL;
    modelPath = await findModel(spec, env.TANUKI_MODEL_DIR ?? DEFAULT_MODEL_DIR);
    if (modelPath === undefined) {
      throw new UsageError(
        `The model ${spec ?? "(default)"} is not downloaded yet; run: tanuki models pull${spec ? ` ${spec}` : ""}`,
      );
    }
  }
  const report = await checkAdapters({ dir, modelPath, roster: DEFAULT_ROSTER });
  context.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatAdapterReport(report));
  const bad =
    report.baseProblems.length > 0 || report.adapters.some((a) => a.state === "missing" || a.state === "mismatch");
  return bad ? EXIT_USAGE : 0;
}

/** Human-readable report: one line per adapter, problems indented under it, and what to do. */
export function formatAdapterReport(report: AdapterReport): string {
  const lines = [
    `adapters: ${report.dir} (${report.manifestFound ? "adapters.yml found" : "no adapters.yml: every agent runs on the base model"})`,
  ];
  if (report.baseModel) {
    const b = report.baseModel;
    lines.push(
      `base model: ${b.name ?? basename(b.path)} (${b.architecture}, embedding ${b.embeddingLength ?? "?"}, ${b.blockCount ?? "?"} layers)`,
    );
  }
  for (const problem of report.baseProblems) lines.push(`  ✗ adapters.yml baseModel: ${problem}`);
  if (report.adapters.length === 0) lines.push("  (no adapters configured)");
  for (const a of report.adapters) {
    const size = a.sizeBytes === undefined ? "" : ` ${(a.sizeBytes / 1e6).toFixed(1)} MB`;
    const rank = a.rank === undefined ? "" : ` rank ${a.rank}`;
    const mark = a.state === "ok" ? "✓" : a.state === "unchecked" ? "·" : "✗";
    lines.push(`  ${mark} ${a.agent.padEnd(18)} ${basename(a.filePath)} scale ${a.scale}${size}${rank} — ${a.state}`);
    for (const problem of a.problems) lines.push(`      ${problem}`);
  }
  if (report.adapters.some((a) => a.state === "mismatch")) {
    lines.push(
      "fix: use the base model the adapters were trained for (--model / TANUKI_MODEL), or remove them from adapters.yml",
    );
  }
  if (report.adapters.some((a) => a.state === "missing")) {
    lines.push(`fix: copy the missing .gguf files into ${report.dir}, or remove them from adapters.yml`);
  }
  return `${lines.join("\n")}\n`;
}
