import { stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import { compareResults, formatComparison } from "../eval/compare-results.js";
import { renderReport } from "../eval/render-report.js";
import { readResults } from "../eval/results-files.js";
import { summarize } from "../eval/summarize.js";

/** A run's results file and its label (the folder's name). */
async function resultsOf(cwd: string, arg: string): Promise<{ label: string; path: string; dir: string }> {
  const path = resolve(cwd, arg);
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => undefined,
  );
  if (isDir === undefined) throw new UsageError(`${arg} does not exist`);
  const file = isDir ? join(path, "results.jsonl") : path;
  const dir = isDir ? path : dirname(path);
  return { label: basename(dir), path: file, dir };
}

/**
 * `tanuki eval compare A B`: prints the paired comparison and writes it as a page (B's summary, its charts and
 * the comparison) to `--out` (default `<B>/compare.html`).
 *
 * @returns 0
 * @throws UsageError when a folder is missing or holds no results
 */
export async function runEvalCompare(
  a: string,
  b: string,
  flags: { out?: string },
  context: { cwd: string; stdout: { write(text: string): void } },
): Promise<number> {
  const left = await resultsOf(context.cwd, a);
  const right = await resultsOf(context.cwd, b);
  const [resultsA, resultsB] = [await readResults(left.path), await readResults(right.path)];
  if (resultsA.length === 0 || resultsB.length === 0) {
    throw new UsageError(`No results in ${resultsA.length === 0 ? left.path : right.path}`);
  }
  const comparison = compareResults(
    { label: left.label, results: resultsA },
    { label: right.label, results: resultsB },
  );
  const out = flags.out ? resolve(context.cwd, flags.out) : join(right.dir, "compare.html");
  const page = await renderReport({
    title: `Tanuki evaluation: ${left.label} vs ${right.label}`,
    summary: summarize(resultsB),
    results: resultsB,
    comparison,
  });
  await writeFile(out, page);
  context.stdout.write(`${formatComparison(comparison)}\npage: ${out}\n`);
  return 0;
}
