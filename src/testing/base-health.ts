import type { BaseHealth } from "../core/proof.js";
import { type TestReport, testsPassed } from "../core/test-report.js";

/** Shell messages for a program that does not exist (`sh: 1: mocha: not found`, bash's `command not found`). */
const NOT_FOUND = /^(?:\S*sh|env)(?:: line \d+|: \d+)?: (.{1,200}?): (?:command )?not found\s*$/m;
/** Runners saying that they found nothing to run. */
const NOTHING_FOUND = /^(?:No tests found|Error: No test files found|no tests ran\b|.*\bno test files\b)/im;

function firstLine(text: string, pattern: RegExp): string | undefined {
  return text.match(pattern)?.[0]?.trim().slice(0, 200);
}

/**
 * Classifies the base commit's test run before any model call (see {@link BaseHealth}): `could-not-run` for a
 * command that was not found (exit 127) or not executable (126), a run in which no test ran but errors were
 * reported (pytest collection errors, a test file that cannot load), nothing collected (when the repository has
 * test files), or every test skipped. A run that timed out counts as `ran-with-failures` (the issue may be a hang).
 *
 * @param repositoryHasTests  false when the explorer found no test file: then "nothing collected" is `no-tests`
 */
export function classifyBaseRun(report: TestReport, repositoryHasTests: boolean): BaseHealth {
  const output = report.outputTail;
  if (report.exitCode === 127 || (report.exitCode !== 0 && NOT_FOUND.test(output))) {
    const line = firstLine(output, NOT_FOUND);
    return {
      status: "could-not-run",
      reason: `the test command was not found (exit ${report.exitCode}${line ? `: ${line}` : ""})`,
    };
  }
  if (report.exitCode === 126)
    return { status: "could-not-run", reason: "the test command is not executable (exit 126)" };
  if (report.timedOut) return { status: "ran-with-failures" };
  const cases = report.cases;
  const ran = cases
    ? cases.filter((c) => c.status === "passed" || c.status === "failed").length
    : (report.passed ?? 0) + (report.failed ?? 0);
  const errors = cases ? cases.filter((c) => c.status === "error").length : (report.errors ?? 0);
  const skipped = cases ? cases.filter((c) => c.status === "skipped").length : (report.skipped ?? 0);
  const counted = cases !== undefined || report.passed !== undefined || report.failed !== undefined;
  if (ran === 0 && errors > 0) {
    const first = cases?.find((c) => c.status === "error")?.id;
    return {
      status: "could-not-run",
      reason: `no test ran: ${errors} error(s) while collecting or loading the tests${first ? ` (first: ${first})` : ""}`,
    };
  }
  const nothing =
    (counted && ran === 0 && skipped === 0) || (!counted && report.exitCode !== 0 && NOTHING_FOUND.test(output));
  if (nothing) {
    return repositoryHasTests
      ? { status: "could-not-run", reason: "no tests were collected although the repository has test files" }
      : { status: "no-tests" };
  }
  if (counted && ran === 0 && skipped > 0) {
    return {
      status: "could-not-run",
      reason: `every test was skipped (${skipped} skipped), so no change can be verified`,
    };
  }
  return testsPassed(report) ? { status: "ran-clean" } : { status: "ran-with-failures" };
}
