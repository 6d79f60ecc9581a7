import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import PQueue from "p-queue";
import type { EvalResult, Prediction } from "./eval-result.js";
import { evaluateInstance, type InstanceContext } from "./evaluate-instance.js";
import type { EvalInstance } from "./instance.js";
import { renderReport } from "./render-report.js";
import { appendJsonLine, evalPaths, readPredictions, readResults, writeJsonLines } from "./results-files.js";
import { type EvalSummary, summarize } from "./summarize.js";

/** Progress after each finished task. Times in ms. */
export interface EvalProgress {
  /** Tasks finished in this run plus those kept from earlier runs. */
  done: number;
  total: number;
  /** Resolved among `done`. */
  resolved: number;
  /** Estimated time to finish the rest, from this run's pace; undefined before the first task finishes. */
  etaMs?: number;
  /** The task that just finished. */
  last: EvalResult;
}

/** Options of {@link runEval}. */
export interface RunEvalOptions extends Omit<InstanceContext, "taskDir" | "runDirName" | "signal"> {
  instances: readonly EvalInstance[];
  /** Output folder: results.jsonl, predictions.jsonl, summary.json, report.html, tasks/<id>/. */
  outDir: string;
  /** Tasks run at the same time. */
  workers: number;
  /** Run again: `all` finished tasks, only those that ended in `error`, or none (default: resume). */
  rerun?: "all" | "errors" | "none";
  signal?: AbortSignal;
  onProgress?: (progress: EvalProgress) => void;
  /** Monotonic clock for the ETA, ms. Default `performance.now()`. */
  now?: () => number;
}

/** What {@link runEval} leaves: every task's result (kept and new), the summary, and whether Ctrl-C cut it short. */
export interface EvalRun {
  results: EvalResult[];
  summary: EvalSummary;
  /** Tasks run in this invocation (the rest were kept from an earlier one). */
  ran: number;
  /** True when the signal aborted before every task finished (the finished ones are kept). */
  interrupted: boolean;
}

/**
 * Runs an evaluation: every task not finished by an earlier run into `outDir` (unless `rerun`), `workers` at a time.
 * Each finished task is appended to results.jsonl and predictions.jsonl at once, so an interruption (Ctrl-C, a
 * crash) loses only the tasks in flight. At the end, both files are rewritten in task-file order with one line
 * per task, and summary.json and report.html are written from every result.
 */
export async function runEval(options: RunEvalOptions): Promise<EvalRun> {
  const paths = evalPaths(options.outDir);
  const wanted = new Set(options.instances.map((i) => i.instance_id));
  const earlier = (await readResults(paths.results)).filter((r) => wanted.has(r.instance_id));
  const rerun = options.rerun ?? "none";
  const kept = earlier.filter((r) => rerun === "none" || (rerun === "errors" && r.status !== "error"));
  const keptIds = new Set(kept.map((r) => r.instance_id));
  const todo = options.instances.filter((i) => !keptIds.has(i.instance_id));
  const fresh = new Map<string, EvalResult>();
  const now = options.now ?? (() => performance.now());
  const started = now();
  let resolved = kept.filter((r) => r.resolved).length;

  const queue = new PQueue({ concurrency: Math.max(1, options.workers) });
  for (const instance of todo) {
    queue.add(async () => {
      if (options.signal?.aborted) return;
      const runDirName = join("tasks", instance.instance_id);
      const evaluation = await evaluateInstance(instance, {
        ...options,
        taskDir: join(paths.dir, runDirName),
        runDirName,
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!evaluation) return;
      // Counted before the writes below, so tasks finishing together report distinct counts.
      fresh.set(instance.instance_id, evaluation.result);
      if (evaluation.result.resolved) resolved += 1;
      const doneHere = fresh.size;
      const resolvedNow = resolved;
      const elapsed = now() - started;
      await appendJsonLine(paths.results, evaluation.result);
      await appendJsonLine(paths.predictions, toPrediction(evaluation.result, evaluation.patch));
      options.onProgress?.({
        done: kept.length + doneHere,
        total: options.instances.length,
        resolved: resolvedNow,
        etaMs: (elapsed / doneHere) * (todo.length - doneHere),
        last: evaluation.result,
      });
    });
  }
  await queue.onIdle();

  const results = await finish(options, paths, kept, fresh);
  return {
    results,
    summary: summarize(results),
    ran: fresh.size,
    interrupted: fresh.size < todo.length,
  };
}

/** Rewrites results and predictions in task order (kept + fresh), then summary.json and report.html. */
async function finish(
  options: RunEvalOptions,
  paths: ReturnType<typeof evalPaths>,
  kept: readonly EvalResult[],
  fresh: ReadonlyMap<string, EvalResult>,
): Promise<EvalResult[]> {
  const byId = new Map([...kept.map((r) => [r.instance_id, r] as const), ...fresh]);
  const results = options.instances.flatMap((i) => {
    const result = byId.get(i.instance_id);
    return result ? [result] : [];
  });
  const predictions = await readPredictions(paths.predictions);
  await writeJsonLines(paths.results, results);
  await writeJsonLines(
    paths.predictions,
    results.flatMap((r) => {
      const prediction = predictions.get(r.instance_id);
      return prediction ? [prediction] : [];
    }),
  );
  const summary = summarize(results);
  await writeFile(paths.summary, `${JSON.stringify(summary, null, 2)}\n`);
  await writeFile(paths.report, await renderReport({ title: "Tanuki evaluation", summary, results }));
  return results;
}

function toPrediction(result: EvalResult, patch: string): Prediction {
  return { instance_id: result.instance_id, model_name_or_path: result.model_name_or_path, model_patch: patch };
}
