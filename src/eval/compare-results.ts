import type { EvalResult } from "./eval-result.js";
import { mcnemarExactP, median } from "./stats.js";

/** `tanuki eval compare A B`: two result sets paired by task. */
export interface Comparison {
  a: { label: string; resolved: number; models: string[] };
  b: { label: string; resolved: number; models: string[] };
  /** Tasks present in both sets. */
  paired: number;
  both: number;
  onlyA: number;
  onlyB: number;
  neither: number;
  /** Resolve-rate difference B − A over the paired tasks (−1..1). */
  difference: number;
  /** Two-sided exact McNemar p-value of the difference. */
  pValue: number;
  /** Median wall time and tokens of B over A on the paired tasks that have them (null when not computable). */
  timeRatio: number | null;
  tokenRatio: number | null;
  /** Instance ids resolved by only one side (for the report's table). */
  onlyAIds: string[];
  onlyBIds: string[];
  /** Tasks in one set and not the other: not part of the test. */
  unpaired: { onlyInA: number; onlyInB: number };
}

/**
 * Pairs two evaluations by `instance_id` and tests whether their resolve rates differ (exact McNemar on the
 * discordant pairs). Pure.
 */
export function compareResults(
  a: { label: string; results: readonly EvalResult[] },
  b: { label: string; results: readonly EvalResult[] },
): Comparison {
  const inB = new Map(b.results.map((r) => [r.instance_id, r]));
  const pairs = a.results.flatMap((ra) => {
    const rb = inB.get(ra.instance_id);
    return rb ? [[ra, rb] as const] : [];
  });
  const onlyAIds = pairs.filter(([ra, rb]) => ra.resolved && !rb.resolved).map(([ra]) => ra.instance_id);
  const onlyBIds = pairs.filter(([ra, rb]) => !ra.resolved && rb.resolved).map(([ra]) => ra.instance_id);
  const both = pairs.filter(([ra, rb]) => ra.resolved && rb.resolved).length;
  const paired = pairs.length;
  const ratioOf = (pick: (r: EvalResult) => number | undefined): number | null => {
    const values = pairs.flatMap(([ra, rb]) => {
      const va = pick(ra);
      const vb = pick(rb);
      return va !== undefined && vb !== undefined && va > 0 && vb > 0 ? [[va, vb] as const] : [];
    });
    const ma = median(values.map(([va]) => va));
    const mb = median(values.map(([, vb]) => vb));
    return ma !== undefined && mb !== undefined && ma > 0 ? mb / ma : null;
  };
  const pairedIds = new Set(pairs.map(([ra]) => ra.instance_id));
  return {
    a: { label: a.label, resolved: pairs.filter(([ra]) => ra.resolved).length, models: modelsOf(a.results) },
    b: { label: b.label, resolved: pairs.filter(([, rb]) => rb.resolved).length, models: modelsOf(b.results) },
    paired,
    both,
    onlyA: onlyAIds.length,
    onlyB: onlyBIds.length,
    neither: paired - both - onlyAIds.length - onlyBIds.length,
    difference: paired > 0 ? (onlyBIds.length - onlyAIds.length) / paired : 0,
    pValue: mcnemarExactP(onlyAIds.length, onlyBIds.length),
    timeRatio: ratioOf((r) => r.wallMs),
    tokenRatio: ratioOf((r) => r.tokens?.total),
    onlyAIds,
    onlyBIds,
    unpaired: {
      onlyInA: a.results.filter((r) => !pairedIds.has(r.instance_id)).length,
      onlyInB: b.results.filter((r) => !pairedIds.has(r.instance_id)).length,
    },
  };
}

function modelsOf(results: readonly EvalResult[]): string[] {
  return [...new Set(results.map((r) => r.model_name_or_path))].sort();
}

/** The comparison as the few lines `tanuki eval compare` prints. */
export function formatComparison(c: Comparison): string {
  const pct = (n: number) => `${(100 * n).toFixed(1)}%`;
  const ratio = (r: number | null) => (r === null ? "n/a" : `${r.toFixed(2)}×`);
  return [
    `A: ${c.a.label} (${c.a.models.join(", ")}): ${c.a.resolved}/${c.paired} resolved`,
    `B: ${c.b.label} (${c.b.models.join(", ")}): ${c.b.resolved}/${c.paired} resolved`,
    `paired tasks: ${c.paired} — both ${c.both}, only A ${c.onlyA}, only B ${c.onlyB}, neither ${c.neither}`,
    `difference B − A: ${c.difference >= 0 ? "+" : ""}${pct(c.difference)} (exact McNemar p = ${c.pValue.toPrecision(3)})`,
    `median time B/A: ${ratio(c.timeRatio)}, median tokens B/A: ${ratio(c.tokenRatio)}`,
    ...(c.unpaired.onlyInA + c.unpaired.onlyInB > 0
      ? [`not paired (left out of the test): ${c.unpaired.onlyInA} only in A, ${c.unpaired.onlyInB} only in B`]
      : []),
  ].join("\n");
}
