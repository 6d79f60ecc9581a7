import type { Finding } from "../core/finding.js";
import { type TestReport, testsPassed } from "../core/test-report.js";

/** What an attempt's score is computed from. */
export interface ScoreInput {
  tests?: TestReport;
  /** The attempt's fail-before / pass-after proof held (see `proveChange`). */
  proven?: boolean;
  /** Findings still open after the attempt's review. */
  findings: readonly Finding[];
  /** Edits that did not apply. */
  editProblems: number;
}

/**
 * Score of an attempt's state for snapshot protection; higher is better:
 * +2000 when the fix is proven (fail before, pass after, nothing regressed); +1000 when the tests pass; + passed count − 10 × (failed + errors) when counts are known; −50 for a failing run
 * without counts; −100 for a timeout; −300 per open blocking finding, −5 per major one; −1 per edit that did not
 * apply. Pass/fail dominates, then blocking findings, then how many tests pass.
 */
export function scoreAttempt(input: ScoreInput): number {
  let score = input.proven ? 2000 : 0;
  const tests = input.tests;
  if (tests) {
    const passed = testsPassed(tests);
    if (passed) score += 1000;
    if (tests.passed !== undefined || tests.failed !== undefined) {
      score += (tests.passed ?? 0) - 10 * ((tests.failed ?? 0) + (tests.errors ?? 0));
    } else if (!passed) {
      score -= 50;
    }
    if (tests.timedOut) score -= 100;
  }
  for (const finding of input.findings) {
    if (finding.resolved) continue;
    if (finding.severity === "blocking") score -= 300;
    else if (finding.severity === "major") score -= 5;
  }
  return score - input.editProblems;
}

/** A scored snapshot of one attempt's state. */
export interface ScoredSnapshot {
  attempt: number;
  snapshot: string;
  score: number;
}

/**
 * Keeps the best state reached (snapshot protection): a later attempt replaces the best only with a strictly
 * higher score, so a worse or equal later attempt never replaces an earlier one.
 */
export class BestSnapshotKeeper {
  private current: ScoredSnapshot | undefined;

  /** The best snapshot so far, or undefined before the first. */
  get best(): ScoredSnapshot | undefined {
    return this.current;
  }

  /** Offers a snapshot. @returns true when it became the best */
  offer(candidate: ScoredSnapshot): boolean {
    if (this.current && candidate.score <= this.current.score) return false;
    this.current = candidate;
    return true;
  }
}
