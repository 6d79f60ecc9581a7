import type { Proof, ProofCase, ProofRuns, ProofStatus } from "../core/proof.js";
import { type TestCaseResult, type TestReport, testsPassed } from "../core/test-report.js";

/** Most rows a proof keeps (new tests first, then changed pre-existing ones). */
export const MAX_PROOF_CASES = 200;

function byId(cases: readonly TestCaseResult[]): Map<string, TestCaseResult> {
  return new Map(cases.map((testcase) => [testcase.id, testcase]));
}

const failing = (status: ProofStatus) => status === "failed" || status === "error";

/**
 * Status of a new test on the base commit: its own result, else `error` when the run reported its whole file as
 * an error (pytest reports a module that cannot be imported as one case named by the file), else `not run`.
 */
function statusOnBase(testcase: TestCaseResult, base: Map<string, TestCaseResult>): ProofStatus {
  const own = base.get(testcase.id);
  if (own) return own.status;
  for (const other of base.values()) {
    if (other.status !== "error") continue;
    if (testcase.id.startsWith(`${other.id}::`) || (testcase.file !== undefined && other.id === testcase.file)) {
      return "error";
    }
  }
  return "not run";
}

function newCase(testcase: TestCaseResult, before: ProofStatus, baseRunFailed: boolean): ProofCase {
  const after = testcase.status;
  const reproduces = failing(before) || (before === "not run" && baseRunFailed);
  if (after !== "passed") {
    return {
      id: testcase.id,
      kind: "new",
      before,
      after,
      verdict: `${after} with the change`,
      proves: false,
      blocks: true,
    };
  }
  if (reproduces) {
    return {
      id: testcase.id,
      kind: "new",
      before,
      after,
      verdict: "fails on the base, passes with the change",
      proves: true,
      blocks: false,
    };
  }
  return {
    id: testcase.id,
    kind: "new",
    before,
    after,
    verdict: "does not reproduce the issue (passes on the base too)",
    proves: false,
    blocks: false,
  };
}

function preExistingCase(id: string, before: ProofStatus, after: ProofStatus): ProofCase | undefined {
  if (before === after) return undefined;
  if (before === "passed") {
    const verdict = after === "not run" ? "no longer runs" : after === "skipped" ? "skipped now" : "regressed";
    return { id, kind: "pre-existing", before, after, verdict, proves: false, blocks: true };
  }
  if (after === "not run")
    return { id, kind: "pre-existing", before, after, verdict: "no longer runs", proves: false, blocks: true };
  if (failing(before) && after === "passed") {
    return { id, kind: "pre-existing", before, after, verdict: "fixed by the change", proves: true, blocks: false };
  }
  return { id, kind: "pre-existing", before, after, verdict: `${before} → ${after}`, proves: false, blocks: false };
}

function perTestProof(before: TestReport, runs: ProofRuns): Proof {
  const base = byId(before.cases ?? []);
  const withChange = runs.withChange.cases ?? [];
  const guard = byId(runs.preExisting?.cases ?? withChange);
  const onBase = byId(runs.newTestsOnBase?.cases ?? []);
  const baseRunFailed = runs.newTestsOnBase ? !testsPassed(runs.newTestsOnBase) : false;
  const newCases = withChange
    .filter((testcase) => !base.has(testcase.id))
    .map((testcase) =>
      newCase(testcase, runs.newTestsOnBase ? statusOnBase(testcase, onBase) : "not run", baseRunFailed),
    );
  const changed: ProofCase[] = [];
  let passedBefore = 0;
  let stillPassing = 0;
  for (const [id, testcase] of base) {
    const after = guard.get(id)?.status ?? "not run";
    if (testcase.status === "passed") {
      passedBefore += 1;
      if (after === "passed") stillPassing += 1;
    }
    const row = preExistingCase(id, testcase.status, after);
    if (row) changed.push(row);
  }
  const all = [...newCases, ...changed];
  const problems: string[] = [];
  const ran = (runs.preExisting?.cases ?? withChange).filter((c) => c.status !== "skipped").length;
  if (withChange.filter((c) => c.status !== "skipped").length === 0 || ran === 0) {
    problems.push("no test ran with the change (everything was skipped, deselected or not collected)");
  }
  const regressed = changed.filter((row) => row.blocks);
  if (regressed.length > 0) {
    problems.push(
      `${regressed.length} pre-existing test(s) that passed on the base do not pass with the change (first: ${regressed[0]?.id}: ${regressed[0]?.verdict})`,
    );
  }
  const failingNew = newCases.filter((row) => row.after !== "passed");
  if (failingNew.length > 0) {
    problems.push(
      `${failingNew.length} new test(s) do not pass with the change (first: ${failingNew[0]?.id}: ${failingNew[0]?.after})`,
    );
  }
  if (!all.some((row) => row.proves)) {
    const notReproducing = newCases.filter((row) => row.verdict.startsWith("does not reproduce"));
    problems.push(
      notReproducing.length > 0
        ? `the new test(s) do not reproduce the issue: ${notReproducing
            .map((row) => row.id)
            .slice(0, 3)
            .join(", ")} pass(es) on the base commit too`
        : "no test fails on the base commit and passes with the change, so nothing proves the fix",
    );
  }
  return {
    mode: "per-test",
    proven: problems.length === 0,
    problems,
    cases: all.slice(0, MAX_PROOF_CASES),
    omittedCases: Math.max(0, all.length - MAX_PROOF_CASES),
    preExisting: { passedBefore, stillPassing },
    runs,
  };
}

const total = (r: TestReport) => (r.passed ?? 0) + (r.failed ?? 0) + (r.errors ?? 0);
const known = (r: TestReport) => r.passed !== undefined || r.failed !== undefined;

/** Without per-test reports: summaries and exit codes, judged conservatively. */
function countsProof(before: TestReport, runs: ProofRuns): Proof {
  const problems: string[] = [];
  const after = runs.withChange;
  const guard = runs.preExisting ?? after;
  if (!testsPassed(after))
    problems.push(`the tests fail with the change (${after.timedOut ? "timed out" : `exit ${after.exitCode}`})`);
  if (known(after) && total(after) === 0) problems.push("no test ran with the change");
  if (known(before) && known(guard) && (guard.passed ?? 0) < (before.passed ?? 0)) {
    problems.push(`fewer pre-existing tests pass than on the base (${guard.passed ?? 0} < ${before.passed ?? 0})`);
  }
  if (runs.preExisting && !testsPassed(runs.preExisting) && testsPassed(before)) {
    problems.push("the pre-existing tests, as they are on the base commit, fail with the change");
  }
  const newOnBase = runs.newTestsOnBase;
  const failedBefore = !testsPassed(before);
  const reproduced =
    newOnBase !== undefined &&
    !testsPassed(newOnBase) &&
    (!failedBefore ||
      (known(newOnBase) &&
        known(before) &&
        (newOnBase.failed ?? 0) + (newOnBase.errors ?? 0) > (before.failed ?? 0) + (before.errors ?? 0)));
  if (!reproduced && !failedBefore) {
    problems.push(
      newOnBase
        ? "the new test(s) do not reproduce the issue: they pass on the base commit too"
        : "the tests passed on the base too and no new test pins the issue",
    );
  }
  return {
    mode: "counts",
    proven: problems.length === 0,
    problems,
    cases: [],
    omittedCases: 0,
    preExisting: { passedBefore: before.passed ?? 0, stillPassing: Math.min(before.passed ?? 0, guard.passed ?? 0) },
    runs,
  };
}

/**
 * Judges whether an attempt's test runs prove the fix (see {@link Proof}). Per test when the base run and every
 * run of the attempt have per-test results; otherwise from counts and exit codes (the change's run must pass
 * entirely, no fewer tests may pass than on the base, and the new tests must make the base fail, unless the base
 * already failed).
 *
 * @param before  the base commit's run (pre-existing tests as they were)
 */
export function proveChange(before: TestReport, runs: ProofRuns): Proof {
  const reports = [before, runs.withChange, runs.preExisting, runs.newTestsOnBase].filter(
    (report): report is TestReport => report !== undefined,
  );
  return reports.every((report) => report.cases !== undefined) ? perTestProof(before, runs) : countsProof(before, runs);
}
