import { chartLibrarySource } from "./chart-library.js";
import type { Comparison } from "./compare-results.js";
import type { EvalResult } from "./eval-result.js";
import type { EvalSummary } from "./summarize.js";

/** What a report page shows: one evaluation, and optionally its comparison with another. */
export interface ReportInput {
  title: string;
  summary: EvalSummary;
  results: readonly EvalResult[];
  comparison?: Comparison;
}

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const percent = (rate: number) => `${(100 * rate).toFixed(1)}%`;

/** ms as `1m 05s` / `4.2s`; `n/a` for null. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "n/a";
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
}

/** Counts of `values` in `bins` equal-width bins, with their labels (empty when there are no values). */
export function histogram(values: readonly number[], bins: number, label: (v: number) => string) {
  if (values.length === 0) return { labels: [] as string[], counts: [] as number[] };
  const min = Math.min(...values);
  const max = Math.max(...values);
  const width = max > min ? (max - min) / bins : 1;
  const counts = new Array<number>(max > min ? bins : 1).fill(0);
  for (const v of values) {
    const bin = Math.min(counts.length - 1, Math.floor((v - min) / width));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const labels = counts.map((_, i) => `${label(min + i * width)}–${label(min + (i + 1) * width)}`);
  return { labels, counts };
}

/**
 * A self-contained HTML page: summary numbers, charts drawn by Chart.js (inlined, so the page works offline and
 * from disk), the comparison when there is one, and a row per task linking to its pr.md, trace and scoring log.
 * Every text from results (ids, errors, model names) is escaped; chart data is embedded as JSON with `<` escaped.
 */
export async function renderReport(input: ReportInput): Promise<string> {
  const { summary: s, results } = input;
  const repos = Object.entries(s.byRepo);
  const data = {
    repos: {
      labels: repos.map(([name]) => name),
      resolved: repos.map(([, g]) => g.resolved),
      unresolved: repos.map(([, g]) => g.total - g.resolved),
    },
    statuses: { labels: Object.keys(s.statuses), counts: Object.values(s.statuses) },
    time: histogram(
      results.filter((r) => r.wallMs > 0).map((r) => r.wallMs / 1000),
      8,
      (v) => `${v.toFixed(0)}s`,
    ),
    scoring: histogram(
      results.flatMap((r) => (r.harness ? [r.harness.scoreMs / 1000] : [])),
      8,
      (v) => `${v.toFixed(1)}s`,
    ),
    tokens: histogram(
      results.flatMap((r) => (r.tokens ? [r.tokens.total] : [])),
      8,
      (v) => `${Math.round(v)}`,
    ),
    comparison: input.comparison
      ? {
          labels: ["both", "only A", "only B", "neither"],
          counts: [input.comparison.both, input.comparison.onlyA, input.comparison.onlyB, input.comparison.neither],
        }
      : null,
  };
  const json = JSON.stringify(data).replace(/</g, "\\u003c");
  const verdict = s.tanukiVerdict;
  const cards = [
    card(
      "Resolved",
      `${s.resolved} / ${s.total}`,
      `${percent(s.rate)} (95% CI ${percent(s.interval95.low)}–${percent(s.interval95.high)})`,
      "resolved",
    ),
    ...(verdict
      ? [
          card(
            "Tanuki “fixed” precision",
            verdict.precision === null ? "n/a" : percent(verdict.precision),
            `${verdict.confirmed} of ${verdict.saidFixed} confirmed, ${verdict.missed} missed`,
            "precision",
          ),
        ]
      : []),
    card(
      "Median time per task",
      formatDuration(s.medians.wallMs),
      `scoring ${formatDuration(s.medians.scoreMs)}`,
      "time",
    ),
    card(
      "Median tokens per task",
      s.medians.tokens === null ? "n/a" : String(Math.round(s.medians.tokens)),
      `${s.medians.modelCalls ?? "n/a"} model calls`,
      "tokens",
    ),
    card(
      "Harness overhead",
      formatDuration(s.medians.overheadMs),
      `tests' own time ${formatDuration(s.medians.testMs)}`,
      "overhead",
    ),
    ...(s.gold
      ? [card("Valid tasks (gold)", `${s.gold.valid} / ${s.total}`, `${s.gold.invalid.length} invalid`, "gold")]
      : []),
  ].join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem;color:#1d2330;background:#fafbfc}
h1{margin:0 0 .2rem}.sub{color:#5b6475;margin-bottom:1.5rem}
.cards{display:flex;flex-wrap:wrap;gap:1rem;margin-bottom:2rem}
.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:1rem 1.2rem;min-width:13rem}
.card .label{color:#5b6475;font-size:.85rem}.card .value{font-size:1.7rem;font-weight:600}.card .note{font-size:.85rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(24rem,1fr));gap:1.5rem;margin-bottom:2rem}
.chart{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:1rem}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
th,td{border-bottom:1px solid #e4e7ec;padding:.35rem .5rem;text-align:left;vertical-align:top}
.resolved{color:#0b7a3b;font-weight:600}.unresolved,.error,.invalid,.patch-failed,.empty-patch{color:#b42318}
</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<div class="sub">models: ${escapeHtml(s.models.join(", ") || "none")} · ${s.total} tasks</div>
<section class="cards" id="summary">
${cards}
</section>
${input.comparison ? comparisonSection(input.comparison) : ""}
<section class="charts">
<div class="chart"><h3>Resolved by repository</h3><canvas id="chart-repos"></canvas></div>
<div class="chart"><h3>Outcomes</h3><canvas id="chart-statuses"></canvas></div>
<div class="chart"><h3>Time per task (Tanuki's run)</h3><canvas id="chart-time"></canvas></div>
<div class="chart"><h3>Scoring time per task</h3><canvas id="chart-scoring"></canvas></div>
<div class="chart"><h3>Tokens per task</h3><canvas id="chart-tokens"></canvas></div>
</section>
<h2>Tasks</h2>
<table id="tasks">
<thead><tr><th>task</th><th>repository</th><th>language</th><th>status</th><th>Tanuki</th><th>attempts</th><th>time</th><th>tokens</th><th>files</th></tr></thead>
<tbody>
${results.map(taskRow).join("\n")}
</tbody>
</table>
<script type="application/json" id="report-data">${json}</script>
<script>${await chartLibrarySource()}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById("report-data").textContent);
  function draw(id, type, labels, datasets, options) {
    var el = document.getElementById(id);
    if (!el) return;
    new Chart(el, { type: type, data: { labels: labels, datasets: datasets }, options: Object.assign({ animation: false, responsive: true }, options || {}) });
  }
  draw("chart-repos", "bar", data.repos.labels, [
    { label: "resolved", data: data.repos.resolved, backgroundColor: "#12a150" },
    { label: "not resolved", data: data.repos.unresolved, backgroundColor: "#d0d5dd" }
  ], { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } });
  draw("chart-statuses", "doughnut", data.statuses.labels, [{ data: data.statuses.counts }]);
  draw("chart-time", "bar", data.time.labels, [{ label: "tasks", data: data.time.counts, backgroundColor: "#4e79a7" }]);
  draw("chart-scoring", "bar", data.scoring.labels, [{ label: "tasks", data: data.scoring.counts, backgroundColor: "#f28e2b" }]);
  draw("chart-tokens", "bar", data.tokens.labels, [{ label: "tasks", data: data.tokens.counts, backgroundColor: "#76b7b2" }]);
  if (data.comparison) draw("chart-comparison", "bar", data.comparison.labels, [{ label: "tasks", data: data.comparison.counts, backgroundColor: ["#12a150", "#4e79a7", "#f28e2b", "#d0d5dd"] }]);
})();
</script>
</body>
</html>
`;
}

function card(label: string, value: string, note: string, id: string): string {
  return `<div class="card" id="card-${id}"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div><div class="note">${escapeHtml(note)}</div></div>`;
}

function comparisonSection(c: Comparison): string {
  const ratio = (r: number | null) => (r === null ? "n/a" : `${r.toFixed(2)}×`);
  return `<section id="comparison">
<h2>A: ${escapeHtml(c.a.label)} vs B: ${escapeHtml(c.b.label)}</h2>
<p>${c.paired} paired tasks: A resolved ${c.a.resolved}, B resolved ${c.b.resolved}. Both ${c.both}, only A ${c.onlyA}, only B ${c.onlyB}, neither ${c.neither}.
Difference B − A ${escapeHtml(percent(c.difference))}, exact McNemar p = ${escapeHtml(c.pValue.toPrecision(3))}.
Median time B/A ${ratio(c.timeRatio)}, median tokens B/A ${ratio(c.tokenRatio)}.</p>
<div class="chart" style="max-width:40rem"><canvas id="chart-comparison"></canvas></div>
<p>Only A: ${escapeHtml(c.onlyAIds.join(", ") || "none")}. Only B: ${escapeHtml(c.onlyBIds.join(", ") || "none")}.</p>
</section>`;
}

function taskRow(r: EvalResult): string {
  const dir = r.runDir ? r.runDir.split("/").map(encodeURIComponent).join("/") : undefined;
  const links = dir
    ? ["pr.md", "trace.jsonl", "score.log"].map((f) => `<a href="${escapeHtml(`${dir}/${f}`)}">${f}</a>`).join(" ")
    : "";
  const said =
    r.tanukiSaysFixed === undefined
      ? escapeHtml(r.outcome)
      : `${escapeHtml(r.outcome)}${r.tanukiSaysFixed ? " ✓" : ""}`;
  return `<tr><td>${escapeHtml(r.instance_id)}</td><td>${escapeHtml(r.repo)}</td><td>${escapeHtml(r.language)}</td><td class="${escapeHtml(r.status)}" title="${escapeHtml(r.error ?? "")}">${escapeHtml(r.status)}</td><td>${said}</td><td>${r.attempts}</td><td>${formatDuration(r.wallMs || r.harness?.scoreMs)}</td><td>${r.tokens?.total ?? ""}</td><td>${links}</td></tr>`;
}
