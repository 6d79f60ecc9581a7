/** Outcome of one test case. `error`: the case could not run to an assertion (setup failure, collection error). */
export type TestStatus = "passed" | "failed" | "error" | "skipped";

/**
 * One test case's outcome, parsed from a runner's machine-readable report (see `src/testing/`).
 *
 * `id` is stable across runs and matches the names other tools use for the same test, so results can be compared by
 * id (base vs change, FAIL_TO_PASS / PASS_TO_PASS lists of SWE-bench-style task files):
 * - pytest: the node id, `tests/test_x.py::TestC::test_y[param]`;
 * - unittest: the dotted id, `tests.test_x.TestC.test_y`;
 * - go test: `<import path>/<TestName>` (subtests: `<import path>/<TestName>/<sub>`);
 * - cargo/libtest: the test path, `module::tests::name`;
 * - jest, vitest: `<file>::<describe> > <test>`; mocha, node:test: `<suite> > <test>`;
 * - JUnit XML from other runners (Maven Surefire): `<classname>::<name>`.
 */
export interface TestCaseResult {
  id: string;
  /** Repository-relative file of the test, when the report names it. */
  file?: string;
  /** The case's own name (last part of `id`). */
  name: string;
  status: TestStatus;
}

/** Result of running the repository's tests once, in the sandbox. */
export interface TestReport {
  /** The command that ran, as shown to users (e.g. `python -m pytest -q`). */
  command: string;
  exitCode: number;
  /** Counts parsed from the runner's summary; `undefined` when the output had no recognisable summary. */
  passed?: number;
  failed?: number;
  errors?: number;
  skipped?: number;
  /**
   * Per-test outcomes from the runner's machine-readable report; absent when the runner is not known or wrote no
   * report (then only the counts and the exit code tell what happened). When present, the counts are computed
   * from it.
   */
  cases?: TestCaseResult[];
  /** Wall time of the run, ms. */
  durationMs: number;
  timedOut: boolean;
  /** Last lines of combined stdout/stderr (capped, see sandbox limits). */
  outputTail: string;
}

/** Before/after pair recorded for each attempt. `before` is the unmodified base commit. */
export interface TestComparison {
  before: TestReport;
  after: TestReport;
}

/** True when the report shows a run that finished and had no failures or errors. */
export function testsPassed(report: TestReport): boolean {
  return !report.timedOut && report.exitCode === 0 && (report.failed ?? 0) === 0 && (report.errors ?? 0) === 0;
}

/** The parts of a test run that {@link describeTestCounts} renders. */
export type TestCountsView = Pick<TestReport, "exitCode" | "passed" | "failed" | "errors" | "skipped"> & {
  timedOut?: boolean;
};

/**
 * The one way test counts are written as text everywhere (CLI, status comment, PR body, prompts, world model):
 * `3 passed, 1 failed` plus `, 2 errors` / `, 1 skipped` when non-zero, and `, timed out` when it did. When the
 * runner's summary was not recognised (no counts), `exit <code>` instead, so the text never claims a count nobody
 * saw. `withExit` puts `exit <code>, ` in front in every case.
 */
export function describeTestCounts(report: TestCountsView, options: { withExit?: boolean } = {}): string {
  const known = report.passed !== undefined || report.failed !== undefined;
  const parts = known
    ? [
        `${report.passed ?? 0} passed`,
        `${report.failed ?? 0} failed`,
        ...(report.errors ? [`${report.errors} errors`] : []),
        ...(report.skipped ? [`${report.skipped} skipped`] : []),
      ]
    : [`exit ${report.exitCode}`];
  if (known && options.withExit) parts.unshift(`exit ${report.exitCode}`);
  if (report.timedOut) parts.push("timed out");
  return parts.join(", ");
}
