import type { TestCaseResult } from "../core/test-report.js";
import { SANDBOX_WORKDIR } from "../sandbox/sandbox.js";
import { parseGoTestJson } from "../testing/go-test-json.js";
import { parseJestJson } from "../testing/jest-json.js";
import { type JUnitFlavor, parseJUnitXml } from "../testing/junit-xml.js";
import { parseLibtestText } from "../testing/libtest-text.js";

export type { TestCaseResult };

/** Machine-readable result formats the scoring run can read. */
export type ResultFormat = "junit" | "jest-json" | "go-json" | "libtest";

/**
 * Per-test results from a runner's machine-readable output, through Tanuki's test-report parsers (`src/testing`):
 * JUnit XML (pytest, node, mocha, vitest or generic naming), jest `--json`, `go test -json`, libtest lines.
 * Unreadable input gives no results (every listed test then counts as not passed), never an exception.
 */
export function parseTestCases(format: ResultFormat, text: string, flavor: JUnitFlavor = "generic"): TestCaseResult[] {
  try {
    switch (format) {
      case "junit":
        return parseJUnitXml(text, flavor);
      case "jest-json":
        return parseJestJson(text, SANDBOX_WORKDIR);
      case "go-json":
        return parseGoTestJson(text).cases;
      case "libtest":
        return parseLibtestText(text);
    }
  } catch {
    return [];
  }
}

/**
 * Spelling-insensitive form of a test name: `a/b/test_x.py::C::t`, `a.b.test_x.C::t` and `a > b` (describe paths)
 * compare equal to their dotted forms.
 */
function normalize(name: string): string {
  return name
    .trim()
    .replace(/\.py(?=::|$)/g, "")
    .replace(/\s+>\s+|::|\//g, ".")
    .replace(/\s+/g, " ");
}

/** The results that spell a test listed in a task (by id in any spelling, or, failing that, by bare name). */
export function resultsForListed(listed: string, cases: readonly TestCaseResult[]): TestCaseResult[] {
  const wanted = normalize(listed);
  const matching = cases.filter((c) => normalize(c.id) === wanted);
  return matching.length > 0 ? matching : cases.filter((c) => c.name === listed);
}

/**
 * Whether a test listed in a task (`FAIL_TO_PASS` / `PASS_TO_PASS`) passed: every result that spells it must have
 * passed, and at least one must exist. Skipped, failed, errored or absent = not passed (SWE-bench's rule).
 */
export function listedTestPassed(listed: string, cases: readonly TestCaseResult[]): boolean {
  const found = resultsForListed(listed, cases);
  return found.length > 0 && found.every((c) => c.status === "passed");
}
