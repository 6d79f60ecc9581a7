import type { EvalResult } from "./eval-result.js";
import { median, wilsonInterval } from "./stats.js";

/** Resolved count and rate of a group of tasks, with its 95% Wilson interval (rates in 0..1). */
export interface GroupStats {
  total: number;
  resolved: number;
  rate: number;
  low: number;
  high: number;
}

/** `summary.json`: the numbers of one evaluation. Times in ms, tokens in model tokens (prompt + completion). */
export interface EvalSummary {
  /** Distinct `model_name_or_path` values of the results. */
  models: string[];
  total: number;
  resolved: number;
  rate: number;
  /** 95% Wilson score interval of `rate`. */
  interval95: { low: number; high: number };
  /** Tasks per status (resolved, unresolved, patch-failed, empty-patch, error, invalid). */
  statuses: Record<string, number>;
  /** Tasks per Tanuki outcome (fixed, not-fixed, …, or gold / prediction). */
  outcomes: Record<string, number>;
  /**
   * How far Tanuki's own "fixed" can be trusted: of the tasks it called fixed, how many the harness resolved
   * (`precision`, null when it called none fixed); `missed` = resolved by the harness but not called fixed.
   */
  tanukiVerdict?: { saidFixed: number; confirmed: number; precision: number | null; missed: number };
  /** Medians over the tasks that have the figure (null when none has it). */
  medians: {
    wallMs: number | null;
    tokens: number | null;
    modelCalls: number | null;
    attempts: number | null;
    scoreMs: number | null;
    testMs: number | null;
    /** Scoring time beyond the repository's own test time: the harness's overhead per task. */
    overheadMs: number | null;
  };
  byRepo: Record<string, GroupStats>;
  byLanguage: Record<string, GroupStats>;
  /**
   * `--gold` runs: tasks whose gold patch resolves and whose base fails (valid), and those where either check
   * failed (invalid). Tasks whose tests could not run at all count as `error` in `statuses`, in neither list.
   */
  gold?: { valid: number; invalid: string[] };
}

/** Summarises results (one per task) into {@link EvalSummary}. Pure. */
export function summarize(results: readonly EvalResult[]): EvalSummary {
  const resolved = results.filter((r) => r.resolved).length;
  const interval = wilsonInterval(resolved, results.length);
  const said = results.filter((r) => r.tanukiSaysFixed !== undefined);
  const saidFixed = said.filter((r) => r.tanukiSaysFixed);
  const confirmed = saidFixed.filter((r) => r.resolved).length;
  const goldRuns = results.filter((r) => r.model_name_or_path === "gold");
  return {
    models: [...new Set(results.map((r) => r.model_name_or_path))].sort(),
    total: results.length,
    resolved,
    rate: interval.rate,
    interval95: { low: interval.low, high: interval.high },
    statuses: countBy(results, (r) => r.status),
    outcomes: countBy(results, (r) => r.outcome),
    ...(said.length > 0
      ? {
          tanukiVerdict: {
            saidFixed: saidFixed.length,
            confirmed,
            precision: saidFixed.length > 0 ? confirmed / saidFixed.length : null,
            missed: said.filter((r) => r.resolved && !r.tanukiSaysFixed).length,
          },
        }
      : {}),
    medians: {
      wallMs: medianOf(results.filter((r) => r.wallMs > 0).map((r) => r.wallMs)),
      tokens: medianOf(results.flatMap((r) => (r.tokens ? [r.tokens.total] : []))),
      modelCalls: medianOf(results.filter((r) => r.wallMs > 0).map((r) => r.modelCalls)),
      attempts: medianOf(results.filter((r) => r.wallMs > 0).map((r) => r.attempts)),
      scoreMs: medianOf(results.flatMap((r) => (r.harness ? [r.harness.scoreMs] : []))),
      testMs: medianOf(results.flatMap((r) => (r.harness?.testMs !== undefined ? [r.harness.testMs] : []))),
      overheadMs: medianOf(
        results.flatMap((r) =>
          r.harness?.testMs !== undefined ? [Math.max(0, r.harness.scoreMs - r.harness.testMs)] : [],
        ),
      ),
    },
    byRepo: groupStats(results, (r) => r.repo),
    byLanguage: groupStats(results, (r) => r.language),
    ...(goldRuns.length > 0
      ? {
          gold: {
            valid: goldRuns.filter((r) => r.resolved && r.baseFails !== false).length,
            invalid: goldRuns.filter((r) => r.status === "invalid").map((r) => r.instance_id),
          },
        }
      : {}),
  };
}

function medianOf(values: number[]): number | null {
  return median(values) ?? null;
}

function countBy(results: readonly EvalResult[], key: (r: EvalResult) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) counts[key(result)] = (counts[key(result)] ?? 0) + 1;
  return counts;
}

function groupStats(results: readonly EvalResult[], key: (r: EvalResult) => string): Record<string, GroupStats> {
  const groups = new Map<string, EvalResult[]>();
  for (const result of results) groups.set(key(result), [...(groups.get(key(result)) ?? []), result]);
  const stats: Record<string, GroupStats> = {};
  for (const [name, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const resolved = members.filter((r) => r.resolved).length;
    const interval = wilsonInterval(resolved, members.length);
    stats[name] = { total: members.length, resolved, rate: interval.rate, low: interval.low, high: interval.high };
  }
  return stats;
}
