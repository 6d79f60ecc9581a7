import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { UsageError } from "../core/errors.js";
import { EvalResult, type Prediction } from "./eval-result.js";

/** Where an evaluation's files live inside its output folder. */
export interface EvalPaths {
  dir: string;
  results: string;
  predictions: string;
  summary: string;
  report: string;
  /** Per-task folders (pr.md, run.json, trace.jsonl, score.log) are `tasks/<instance_id>/`. */
  tasks: string;
}

/** The files of an evaluation in `dir`. */
export function evalPaths(dir: string): EvalPaths {
  return {
    dir,
    results: join(dir, "results.jsonl"),
    predictions: join(dir, "predictions.jsonl"),
    summary: join(dir, "summary.json"),
    report: join(dir, "report.html"),
    tasks: join(dir, "tasks"),
  };
}

/**
 * Reads a results file: one {@link EvalResult} per line; when an instance appears more than once the last line
 * wins (a rerun appends). Lines that do not parse (a line cut by a crash, a foreign line) are skipped. A missing
 * file is an empty result set.
 *
 * @throws UsageError when the file exists but cannot be read
 */
export async function readResults(path: string): Promise<EvalResult[]> {
  const text = await readOptional(path);
  const byId = new Map<string, EvalResult>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = EvalResult.safeParse(value);
    if (parsed.success) {
      byId.delete(parsed.data.instance_id);
      byId.set(parsed.data.instance_id, parsed.data);
    }
  }
  return [...byId.values()];
}

/** Reads a predictions file (official format); the last line of an instance wins; bad lines are skipped. */
export async function readPredictions(path: string): Promise<Map<string, Prediction>> {
  const text = await readOptional(path);
  const byId = new Map<string, Prediction>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = JSON.parse(line) as Partial<Prediction>;
      if (typeof value.instance_id !== "string") continue;
      byId.set(value.instance_id, {
        instance_id: value.instance_id,
        model_name_or_path: typeof value.model_name_or_path === "string" ? value.model_name_or_path : "unknown",
        model_patch: typeof value.model_patch === "string" ? value.model_patch : "",
      });
    } catch {
      // A cut or foreign line: the instance is treated as not predicted.
    }
  }
  return byId;
}

/** Appends one JSON line (the file and its folder are created when missing). */
export async function appendJsonLine(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await appendFile(path, `${JSON.stringify(value)}\n`);
}

/**
 * Rewrites a JSONL file with exactly `values`, atomically (a temporary file renamed over it), so a run that is
 * interrupted while compacting keeps the old file.
 */
export async function writeJsonLines(path: string, values: readonly unknown[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, values.map((value) => `${JSON.stringify(value)}\n`).join(""));
  await rename(temporary, path);
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw new UsageError(`Cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
