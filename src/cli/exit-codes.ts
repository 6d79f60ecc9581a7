import type { RunOutcome } from "../core/run-result.js";

/**
 * CLI exit codes: 0 = fixed and verified by tests, 1 = not fixed (the report says why), 2 = usage/config/setup
 * error of Tanuki itself (flags, Docker engine, sandbox image, model), 3 = the repository's environment could not be
 * built or its tests could not run on the base commit (outcome `environment-error`: nothing was asked of the model).
 */
export const EXIT_FIXED = 0;
export const EXIT_NOT_FIXED = 1;
export const EXIT_USAGE = 2;
export const EXIT_ENVIRONMENT = 3;

/** Exit code for a run that reached the loop. */
export function exitCodeFor(outcome: RunOutcome): number {
  if (outcome === "fixed") return EXIT_FIXED;
  return outcome === "environment-error" ? EXIT_ENVIRONMENT : EXIT_NOT_FIXED;
}
