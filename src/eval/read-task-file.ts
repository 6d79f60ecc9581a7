import { readFile } from "node:fs/promises";
import { UsageError } from "../core/errors.js";
import { EvalInstance } from "./instance.js";

/** A line (or array element) of a task file that was skipped, and why. */
export interface TaskFileProblem {
  /** 1-based line of the file where the bad entry starts. */
  line: number;
  message: string;
}

/** What {@link parseTaskFile} found: the valid instances, in file order, and the entries it skipped. */
export interface TaskFile {
  instances: EvalInstance[];
  problems: TaskFileProblem[];
}

/**
 * Parses a task file: JSONL (one SWE-bench instance per line, blank lines ignored) or a JSON array of instances
 * (what `datasets`' `to_json(lines=False)` writes). A bad line or element, an invalid instance, and a repeated
 * `instance_id` are reported with their line number and skipped; the rest is kept. Never throws for bad content.
 */
export function parseTaskFile(text: string): TaskFile {
  const problems: TaskFileProblem[] = [];
  const entries = text.trimStart().startsWith("[") ? arrayEntries(text, problems) : jsonlEntries(text, problems);
  const instances: EvalInstance[] = [];
  const seen = new Set<string>();
  for (const entry of entries) {
    const parsed = EvalInstance.safeParse(entry.value);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "entry"}: ${issue.message}`);
      problems.push({ line: entry.line, message: issues.join("; ") });
      continue;
    }
    if (seen.has(parsed.data.instance_id)) {
      problems.push({ line: entry.line, message: `instance_id ${parsed.data.instance_id} appears again; skipped` });
      continue;
    }
    seen.add(parsed.data.instance_id);
    instances.push(parsed.data);
  }
  return { instances, problems };
}

/**
 * Reads and parses a task file (see {@link parseTaskFile}).
 * @throws UsageError when the file cannot be read
 */
export async function readTaskFile(path: string): Promise<TaskFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read the task file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseTaskFile(text);
}

interface Entry {
  line: number;
  value: unknown;
}

function jsonlEntries(text: string, problems: TaskFileProblem[]): Entry[] {
  const entries: Entry[] = [];
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    try {
      entries.push({ line: index + 1, value: JSON.parse(line) });
    } catch (error) {
      problems.push({ line: index + 1, message: `not valid JSON: ${(error as Error).message}` });
    }
  });
  return entries;
}

/** Elements of a JSON array, each with the line its text starts on (counted from the parsed positions). */
function arrayEntries(text: string, problems: TaskFileProblem[]): Entry[] {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    problems.push({ line: 1, message: `not a valid JSON array: ${(error as Error).message}` });
    return [];
  }
  if (!Array.isArray(values)) return [];
  const starts = elementStartLines(text);
  return values.map((value, index) => ({ line: starts[index] ?? 1, value }));
}

/**
 * Line numbers where each top-level element of a JSON array starts. A single linear scan that tracks strings and
 * nesting depth; only called on text that JSON.parse accepted.
 */
function elementStartLines(text: string): number[] {
  const starts: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === "\n") line += 1;
    if (inString) {
      if (char === "\\") i += 1;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === " " || char === "\t" || char === "\r" || char === "\n") continue;
    if (depth === 1 && expectElement) {
      starts.push(line);
      expectElement = false;
    }
    if (char === '"') inString = true;
    else if (char === "[" || char === "{") {
      depth += 1;
      if (depth === 1) expectElement = true;
    } else if (char === "]" || char === "}") depth -= 1;
    else if (char === "," && depth === 1) expectElement = true;
  }
  return starts;
}
