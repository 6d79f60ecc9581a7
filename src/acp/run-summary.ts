import type { RunResult } from "../core/run-result.js";
import { describeTestCounts } from "../core/test-report.js";
import { inertInline } from "../intake/inert-markdown.js";
import type { OfferOutcome } from "./offer-change.js";

/** Open findings listed in the answer (all of them are in the report). */
const MAX_FINDINGS_SHOWN = 5;

/**
 * The answer's report of a run, as Markdown the editor renders: outcome and reason, tests before and after, open
 * findings, where the report files are, and what was left out of the prompt. Model-written text (reasons,
 * findings) goes through `inertInline`, so no link, image or HTML from a model becomes live in the editor.
 */
export function describeRun(result: RunResult, reportDir: string, notes: readonly string[]): string {
  const lines = [`**${result.outcome}**: ${inertInline(result.reason)}`];
  if (result.tests) {
    lines.push(
      `- tests before: ${describeTestCounts(result.tests.before)}; after: ${describeTestCounts(result.tests.after)}`,
    );
  }
  const open = result.findings.filter((finding) => finding.resolved !== true);
  for (const finding of open.slice(0, MAX_FINDINGS_SHOWN)) {
    lines.push(
      `- open finding (${finding.severity}) ${inertInline(`${finding.file}:${finding.line} ${finding.explanation}`)}`,
    );
  }
  if (open.length > MAX_FINDINGS_SHOWN) lines.push(`- … ${open.length - MAX_FINDINGS_SHOWN} more open findings`);
  for (const note of notes) lines.push(`- left out of the prompt: ${inertInline(note)}`);
  lines.push(`- report: ${inertInline(reportDir)} (pr.md, run.json, trace.jsonl)`);
  return `${lines.join("\n")}\n`;
}

/** What happened to the change in the editor, and where it also lives (the result branch). */
export function describeOffer(offer: OfferOutcome, branch: string | undefined): string {
  const lines: string[] = [];
  if (offer.status === "applied") {
    lines.push(`Applied to ${offer.written.length + offer.deleted.length} file(s) in the editor.`);
  } else if (offer.status === "declined") {
    lines.push("Not applied: you declined the change.");
  } else if (offer.status === "cancelled") {
    lines.push("Not applied: the prompt was cancelled.");
  } else if (offer.skipped.length === 0) {
    lines.push("No change to apply.");
  }
  for (const skip of offer.skipped) lines.push(`- not applied: ${inertInline(`${skip.path}: ${skip.reason}`)}`);
  if (branch) lines.push(`The change is also on the branch \`${branch}\`.`);
  return `${lines.join("\n")}\n`;
}
