import type { Finding } from "../core/finding.js";
import { isTestFile } from "../testing/test-files.js";
import { parseUnifiedDiff } from "./diff-parse.js";

/**
 * Deterministic detection of tests weakened to make a change pass: a test file deleted, test functions or
 * assertions removed (more removed than added in a file), skip/xfail markers added. Each becomes a blocking
 * finding, whatever the reviewer model said: deleting or weakening tests is always blocking.
 */

/** Lines that declare a test (pytest/unittest, jest/vitest/mocha/node:test, Go, RSpec). */
const TEST_DECLARATION =
  /^\s*(async\s+)?def\s+test\w*\s*\(|^\s*(it|test|describe|context)(\.\w+)?\s*\(|^\s*func\s+Test\w*\s*\(|^\s*class\s+Test\w*/;
/** Lines that assert. */
const ASSERTION =
  /\bassert\w*\b|\bexpect\s*\(|\bshould\b|\.toBe|\.toEqual|\bt\.(Error|Fatal)|\bself\.fail\b|pytest\.raises/;
/** Markers that skip or expect failure. */
const SKIP_MARKER =
  /@pytest\.mark\.(skip|skipif|xfail)\b|\bpytest\.(skip|xfail)\s*\(|@unittest\.(skip|expectedFailure)|\b(it|test|describe)\.(skip|todo)\b|\bx(it|describe|test)\s*\(|\{\s*skip\s*:\s*true|\bt\.Skip\(|\bskip\(\s*\)/;

function count(lines: { text: string }[], pattern: RegExp): number {
  return lines.filter((line) => pattern.test(line.text)).length;
}

function firstLine(lines: { text: string; newLine: number }[], pattern: RegExp): number {
  return lines.find((line) => pattern.test(line.text))?.newLine ?? 1;
}

/**
 * Findings for every way `diff` weakens tests.
 * @param diff  unified diff of the change against the base commit
 * @param attempt  attempt number stored on the findings
 */
export function detectTestWeakening(diff: string, attempt: number): Finding[] {
  const findings: Finding[] = [];
  const block = (file: string, line: number, explanation: string, suggestion: string) =>
    findings.push({ file, line, severity: "blocking", explanation, suggestion, attempt });
  for (const file of parseUnifiedDiff(diff)) {
    const path = file.newPath ?? file.oldPath ?? "";
    if (!isTestFile(file.oldPath ?? path) && !isTestFile(path)) continue;
    if (file.deleted) {
      block(
        file.oldPath ?? path,
        1,
        "The change deletes this test file; tests must never be deleted to make a change pass.",
        "Restore the test file and fix the code instead.",
      );
      continue;
    }
    const removedTests = count(file.removed, TEST_DECLARATION) - count(file.addedLines, TEST_DECLARATION);
    if (removedTests > 0) {
      block(
        path,
        firstLine(file.removed, TEST_DECLARATION),
        `The change removes ${removedTests} test function(s) from this file.`,
        "Keep the existing tests; make the code satisfy them.",
      );
    }
    const removedAsserts = count(file.removed, ASSERTION) - count(file.addedLines, ASSERTION);
    if (removedAsserts > 0) {
      block(
        path,
        firstLine(file.removed, ASSERTION),
        `The change removes ${removedAsserts} assertion(s) from this test file (more removed than added).`,
        "Restore the assertions; fix the code so they hold.",
      );
    }
    const skips = file.addedLines.filter((line) => SKIP_MARKER.test(line.text));
    if (skips.length > 0) {
      block(
        path,
        skips[0]?.newLine ?? 1,
        `The change adds ${skips.length} skip/xfail marker(s) to tests.`,
        "Remove the skip markers and make the tests pass.",
      );
    }
  }
  return findings;
}
