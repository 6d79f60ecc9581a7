import type { TestCaseResult, TestReport } from "../core/test-report.js";
import type { ExecResult } from "../sandbox/sandbox.js";
import { SANDBOX_WORKDIR } from "../sandbox/sandbox.js";
import { readReport } from "./read-report.js";
import type { ReportingCommand } from "./reporting-command.js";
import { parseTestOutput } from "./test-counts.js";

/** Cap on the output tail kept in a TestReport, characters. */
export const TEST_TAIL_CHARS = 6_000;

function countsOf(cases: readonly TestCaseResult[]): Pick<TestReport, "passed" | "failed" | "errors" | "skipped"> {
  const count = (status: TestCaseResult["status"]) => cases.filter((testcase) => testcase.status === status).length;
  const errors = count("error");
  const skipped = count("skipped");
  return {
    passed: count("passed"),
    failed: count("failed"),
    ...(errors ? { errors } : {}),
    ...(skipped ? { skipped } : {}),
  };
}

/**
 * Turns a test command's exec result into a TestReport: per-test cases from the runner's report when the command
 * was a {@link ReportingCommand} that left one (counts then come from the cases), else counts parsed from the
 * summary (undefined when not recognised). The tail is the tests' own output, report files removed.
 *
 * @param command  the command as people know it (not the rewritten one)
 */
export function toTestReport(command: string, result: ExecResult, reporting?: ReportingCommand): TestReport {
  const read = reporting
    ? readReport(reporting, result.stdout, result.stderr, SANDBOX_WORKDIR)
    : { output: [result.stdout, result.stderr].filter((part) => part.length > 0).join("\n") };
  const output = read.output;
  const counts = read.cases ? countsOf(read.cases) : parseTestOutput(output);
  return {
    command,
    exitCode: result.exitCode,
    ...(counts?.passed !== undefined ? { passed: counts.passed } : {}),
    ...(counts?.failed !== undefined ? { failed: counts.failed } : {}),
    ...(counts?.errors !== undefined ? { errors: counts.errors } : {}),
    ...(counts?.skipped !== undefined ? { skipped: counts.skipped } : {}),
    ...(read.cases ? { cases: read.cases } : {}),
    durationMs: result.durationMs,
    timedOut: result.timedOut,
    outputTail: output.length <= TEST_TAIL_CHARS ? output : output.slice(output.length - TEST_TAIL_CHARS),
  };
}
