import type { Budgets } from "../config/run-config.js";

/** Which budget ran out. */
export type BudgetKind = "attempts" | "wall-clock" | "tokens";

/** A budget that ran out, with the sentence the run's reason uses. */
export interface BudgetExhaustion {
  kind: BudgetKind;
  reason: string;
}

/** What has been spent so far. */
export interface BudgetUsage {
  /** Elapsed wall time since the run started, ms. */
  elapsedMs: number;
  /** Prompt + completion tokens of all model calls so far. */
  tokens: number;
  /** Attempts already started. */
  attemptsStarted: number;
}

/**
 * Checks the run's budgets (see `RunConfig.budgets`).
 *
 * @param nextAttempt  true when the caller is about to start another attempt (then `attemptsStarted` must be below
 *   `maxAttempts`); false for checks between phases inside an attempt
 * @returns the first budget that is spent (wall clock, then tokens, then attempts), or undefined
 */
export function checkBudgets(budgets: Budgets, usage: BudgetUsage, nextAttempt: boolean): BudgetExhaustion | undefined {
  if (usage.elapsedMs >= budgets.wallClockMs) {
    return {
      kind: "wall-clock",
      reason: `the wall-clock budget of ${Math.round(budgets.wallClockMs / 1000)} s ran out`,
    };
  }
  if (usage.tokens >= budgets.maxTokens) {
    return { kind: "tokens", reason: `the token budget of ${budgets.maxTokens} tokens ran out` };
  }
  if (nextAttempt && usage.attemptsStarted >= budgets.maxAttempts) {
    const plural = budgets.maxAttempts === 1 ? "attempt" : "attempts";
    return { kind: "attempts", reason: `all ${budgets.maxAttempts} ${plural} were used without a fix` };
  }
  return undefined;
}

/** Thrown inside the loop when a budget runs out mid-attempt; caught by `runFix` (never escapes it). */
export class BudgetExhaustedSignal extends Error {
  readonly exhaustion: BudgetExhaustion;
  constructor(exhaustion: BudgetExhaustion) {
    super(exhaustion.reason);
    this.name = "BudgetExhaustedSignal";
    this.exhaustion = exhaustion;
  }
}
