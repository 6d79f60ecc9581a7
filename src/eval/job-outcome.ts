import type { RunResult } from "../core/run-result.js";
import type { EvalResult } from "./eval-result.js";
import { appendJsonLine } from "./results-files.js";

/** Which job a run belongs to, as the App or the Action knows it. */
export interface JobIdentity {
  /** `owner/name` of the repository. */
  repo: string;
  /** Stable id of the job, e.g. `acme/widgets#42` (becomes `instance_id`). */
  id: string;
  /** Model name as reported (`tanuki/<model>`). */
  model: string;
  /** Repository language, when known. */
  language?: string;
  /** When the job ended; default now. */
  finishedAt?: Date;
}

/**
 * A real-world job's outcome in the `results.jsonl` shape of `tanuki eval`, so a team's production resolve rate
 * goes through the same summary, report and comparison. There is no hidden test suite here: `resolved` is
 * Tanuki's own verdict (`fixed`, which requires fail-before/pass-after proof), and `harness` is absent.
 */
export function jobOutcomeResult(result: RunResult, job: JobIdentity): EvalResult {
  const byAgent = Object.fromEntries(
    Object.entries(result.usage.byAgent).map(([agent, used]) => [agent, used.promptTokens + used.completionTokens]),
  );
  const fixed = result.outcome === "fixed";
  return {
    instance_id: job.id,
    repo: job.repo,
    language: job.language ?? "unknown",
    model_name_or_path: job.model,
    resolved: fixed,
    status: fixed ? "resolved" : result.outcome === "error" ? "error" : "unresolved",
    outcome: result.outcome,
    tanukiSaysFixed: fixed,
    attempts: result.attempts.length,
    wallMs: Math.round(result.timings.totalMs),
    tokens: { total: result.usage.promptTokens + result.usage.completionTokens, byAgent },
    modelCalls: result.usage.calls,
    ...(result.error ? { error: result.error.message } : {}),
    finishedAt: (job.finishedAt ?? new Date()).toISOString(),
  };
}

/**
 * Appends a job's outcome to a results file (created when missing). The hook the App and the Action call after a
 * fix job when the operator configured a results file; `tanuki eval compare` and the report read it as they read
 * an evaluation's.
 */
export async function recordJobOutcome(path: string, result: RunResult, job: JobIdentity): Promise<EvalResult> {
  const line = jobOutcomeResult(result, job);
  await appendJsonLine(path, line);
  return line;
}
