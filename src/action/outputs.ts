import { randomUUID } from "node:crypto";
import { appendFile } from "node:fs/promises";

/** Largest job summary GitHub shows, bytes (1 MiB per step). */
export const MAX_SUMMARY_BYTES = 1024 * 1024;

/**
 * One output in GitHub's multi-line-safe file syntax: `name<<DELIM`, the value, `DELIM`, with a random delimiter
 * that does not occur in the value (as @actions/core does).
 *
 * @throws Error when the name is not a valid output name
 */
export function formatOutput(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) throw new Error(`invalid output name: ${name}`);
  let delimiter = `ghadelimiter_${randomUUID()}`;
  while (value.includes(delimiter)) delimiter = `ghadelimiter_${randomUUID()}`;
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/**
 * Append step outputs to the `GITHUB_OUTPUT` file. Values that are undefined are left out.
 * @param file the path from `GITHUB_OUTPUT`; nothing is written when absent (a run outside Actions)
 */
export async function writeOutputs(file: string | undefined, outputs: Record<string, string | undefined>) {
  if (!file) return;
  const text = Object.entries(outputs)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => formatOutput(name, value))
    .join("");
  await appendFile(file, text, "utf8");
}

/**
 * Append Markdown to the job summary (`GITHUB_STEP_SUMMARY`), cut to GitHub's 1 MiB limit.
 * @param file the path from `GITHUB_STEP_SUMMARY`; nothing is written when absent
 */
export async function appendSummary(file: string | undefined, markdown: string): Promise<void> {
  if (!file) return;
  const bytes = Buffer.byteLength(markdown);
  const text =
    bytes <= MAX_SUMMARY_BYTES
      ? markdown
      : `${Buffer.from(markdown)
          .subarray(0, MAX_SUMMARY_BYTES - 200)
          .toString("utf8")}\n\n…(summary cut at 1 MiB; the full report is in the report folder)\n`;
  await appendFile(file, text.endsWith("\n") ? text : `${text}\n`, "utf8");
}
