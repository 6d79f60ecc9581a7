import type { TestReport, TestStatus } from "./test-report.js";

/**
 * How the repository's tests fared on the base commit, before any model call:
 * - `ran-clean`: they ran and passed;
 * - `ran-with-failures`: they ran and some failed (the issue may be one of them);
 * - `no-tests`: nothing was collected, and the repository has no test files yet (the tester writes the first);
 * - `could-not-run`: command not found, collection error, nothing collected although test files exist, or every
 *   test skipped: no change could ever be verified, so the run stops with outcome `environment-error`.
 */
export type BaseHealth =
  | { status: "ran-clean" | "ran-with-failures" | "no-tests" }
  | { status: "could-not-run"; reason: string };

/** The base commit's test run and what it says about the environment. */
export interface BaseTestRun {
  report: TestReport;
  health: BaseHealth;
}

/** What a test shows in a proof. `not run`: the run did not report it (deleted, deselected, not collected). */
export type ProofStatus = TestStatus | "not run";

/** One row of the per-test proof table. */
export interface ProofCase {
  /** The test's id (see `TestCaseResult.id`). */
  id: string;
  /** `new`: the change added it; `pre-existing`: the base commit's run had it. */
  kind: "new" | "pre-existing";
  /**
   * On the base commit: for a new test, the change's test files with the base commit's code (does it reproduce the
   * issue?); for a pre-existing one, the base commit's run.
   */
  before: ProofStatus;
  /** With the change (pre-existing tests in the base commit's version). */
  after: ProofStatus;
  /** What the pair means, one phrase (e.g. `reproduces the issue and passes`, `regressed`). */
  verdict: string;
  /** True when this row proves the fix (fails before, passes after). */
  proves: boolean;
  /** True when this row blocks the fix (a regression, a new test that fails, a test that no longer runs). */
  blocks: boolean;
}

/** The test runs a proof compares (TestReports of the same command on different trees). */
export interface ProofRuns {
  /** The change, with the base commit's pre-existing test files and test configuration. */
  withChange: TestReport;
  /** Only when the change edited pre-existing test files: the change with those files as they are at the base. */
  preExisting?: TestReport;
  /** Only when the change added or edited tests: the base commit's code with the change's test files. */
  newTestsOnBase?: TestReport;
}

/**
 * Fail-before / pass-after proof of one attempt: `proven` only when at least one test fails on the base and
 * passes with the change, no new test fails with the change, and every pre-existing test that passed on the base
 * still passes (and still runs).
 */
export interface Proof {
  /** `per-test` when every run had a machine-readable report; else `counts` (summaries and exit codes only). */
  mode: "per-test" | "counts";
  proven: boolean;
  /** Why it is not proven, one sentence each (empty when proven). */
  problems: string[];
  /** New tests, and pre-existing tests whose status changed (capped; see `omittedCases`). */
  cases: ProofCase[];
  /** Rows left out of `cases` for size. */
  omittedCases: number;
  /** Pre-existing tests: how many passed on the base, and how many of those still pass. */
  preExisting: { passedBefore: number; stillPassing: number };
  runs: ProofRuns;
}
