import type { TestCaseResult, TestStatus } from "../core/test-report.js";

/** `test_x (pkg.mod.Class.test_x)` (Python 3.11+) or `test_x (pkg.mod.Class)` (older), at a line start. */
const CASE_LINE = /^(\w+) \(([\w.]+)\)(.*)$/;
/** The verdict verbose unittest prints after ` ... `. */
const VERDICT = /\s\.\.\.\s(ok|FAIL|ERROR|skipped\b.*|expected failure|unexpected success)\s*$/;

function statusOf(verdict: string): TestStatus {
  if (verdict === "ok" || verdict === "expected failure") return "passed";
  if (verdict === "FAIL" || verdict === "unexpected success") return "failed";
  if (verdict === "ERROR") return "error";
  return "skipped";
}

/**
 * Parses the per-test lines of `python -m unittest -v` (`test_y (pkg.test_x.TestC.test_y) ... ok`; a first
 * docstring line may stand between the name and the verdict). Ids are dotted unittest ids
 * (`pkg.test_x.TestC.test_y`), also from Python < 3.11, which prints only the class in the parentheses.
 *
 * @returns the cases in output order (empty when the output has no verbose unittest lines)
 */
export function parseUnittestVerbose(output: string): TestCaseResult[] {
  const lines = output.split(/\r?\n/);
  const cases: TestCaseResult[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const match = (lines[i] ?? "").match(CASE_LINE);
    if (!match) continue;
    const [, name = "", dotted = "", rest = ""] = match;
    const verdict = rest.match(VERDICT) ?? (lines[i + 1] ?? "").match(VERDICT);
    if (!verdict) continue;
    const id = dotted.endsWith(`.${name}`) ? dotted : `${dotted}.${name}`;
    cases.push({ id, name, status: statusOf(verdict[1] ?? "") });
  }
  return cases;
}
