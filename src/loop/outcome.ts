import type { Finding } from "../core/finding.js";
import type { RunOutcome } from "../core/run-result.js";
import { testsPassed } from "../core/test-report.js";
import type { BudgetExhaustion } from "./budgets.js";
import { type AttemptRecord, bestRecord, type RunState } from "./run-state.js";

/** Why the attempt loop stopped. */
export type LoopStop =
  | { kind: "success" }
  | { kind: "stuck"; reason: string }
  | { kind: "no-tests"; reason: string }
  | { kind: "budget"; exhaustion: BudgetExhaustion }
  | { kind: "cancelled" }
  /** The repository's environment could not be built (or its tests cannot run): nothing was asked of the model. */
  | { kind: "environment"; reason: string }
  /** A crash; `reason` replaces "The run crashed: …" when the error is understood (a model context too small). */
  | { kind: "error"; error: unknown; reason?: string };

function describeBest(best: AttemptRecord | undefined): string {
  if (!best) return "no attempt finished";
  return `the best attempt (${best.result.attempt}) fell short: ${best.result.failureReason ?? "see the attempts"}`;
}

/**
 * The run's outcome and one-sentence reason:
 * `fixed` only when the best attempt succeeded (its fail-before / pass-after proof holds, no blocking finding
 * open); else `cancelled`, `budget-exhausted` (attempts, wall clock or tokens spent), `error`
 * (a crash), `environment-error` (the environment could not be built) or `not-fixed` (stuck loop, no test command).
 */
export function decideOutcome(state: RunState, stop: LoopStop): { outcome: RunOutcome; reason: string } {
  const best = bestRecord(state);
  if (stop.kind === "error") {
    if (stop.reason) return { outcome: "error", reason: stop.reason };
    const message = stop.error instanceof Error ? stop.error.message : String(stop.error);
    return { outcome: "error", reason: `The run crashed: ${message}` };
  }
  if (stop.kind === "environment") return { outcome: "environment-error", reason: stop.reason };
  if (best?.succeeded) {
    const proof = best.result.proof;
    const proving = proof?.cases.filter((row) => row.proves).length ?? 0;
    const evidence =
      proof?.mode === "per-test"
        ? `${proving} test(s) fail on the base commit and pass with the change, and all ${proof.preExisting.passedBefore} pre-existing test(s) that passed still pass`
        : state.before && !testsPassed(state.before)
          ? "the tests pass, and they failed before the change"
          : "the tests pass, and the new test fails on the base commit";
    return {
      outcome: "fixed",
      reason: `Attempt ${best.result.attempt} fixed the issue: ${evidence}; no blocking review finding is open.`,
    };
  }
  const bestText = describeBest(best);
  switch (stop.kind) {
    case "cancelled":
      return { outcome: "cancelled", reason: `The run was cancelled; ${bestText}.` };
    case "budget":
      return { outcome: "budget-exhausted", reason: `Stopped because ${stop.exhaustion.reason}; ${bestText}.` };
    case "stuck":
      return { outcome: "not-fixed", reason: `Stopped early because ${stop.reason}; ${bestText}.` };
    case "no-tests":
      return { outcome: "not-fixed", reason: `${stop.reason}; ${bestText}.` };
    case "success":
      return { outcome: "not-fixed", reason: `${bestText}.` };
  }
}

function sameFinding(a: Finding, b: Finding): boolean {
  const norm = (text: string) => text.toLowerCase().replace(/\s+/g, " ").trim();
  return a.file === b.file && a.severity === b.severity && norm(a.explanation) === norm(b.explanation);
}

/**
 * Findings to report: the best attempt's findings (still open) plus findings of earlier attempts that the best
 * attempt's review no longer reports (marked `resolved`). Findings of attempts after the best belong to states
 * that are not reported and are left out.
 */
export function reportedFindings(state: RunState): Finding[] {
  const best = bestRecord(state);
  if (!best) return [];
  const open = best.result.findings.map((finding) => ({ ...finding, resolved: false }));
  const resolved: Finding[] = [];
  for (const record of state.attempts) {
    if (record.result.attempt >= best.result.attempt) continue;
    for (const finding of record.result.findings) {
      if (open.some((kept) => sameFinding(kept, finding))) continue;
      if (resolved.some((kept) => sameFinding(kept, finding))) continue;
      resolved.push({ ...finding, resolved: true });
    }
  }
  return [...open, ...resolved];
}
