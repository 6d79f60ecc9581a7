import type { RunOutcome } from "../core/run-result.js";

/** CLI exit codes: 0 = fixed and verified by tests, 1 = not fixed (the report says why), 2 = usage/config/setup error. */
export const EXIT_FIXED = 0;
export const EXIT_NOT_FIXED = 1;
export const EXIT_USAGE = 2;

/** Exit code for a run that reached the loop. */
export function exitCodeFor(outcome: RunOutcome): number {
  return outcome === "fixed" ? EXIT_FIXED : EXIT_NOT_FIXED;
}
