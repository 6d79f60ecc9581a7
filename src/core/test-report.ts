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
