import type { Finding } from "../core/finding.js";
import { parseUnifiedDiff } from "../diff/unified-diff.js";
import { isTestConfigFile, isTestFile } from "../testing/test-files.js";

/**
 * Deterministic detection of tests weakened to make a change pass: a test file deleted, test functions or
 * assertions removed (more removed than added in a file), existing test lines changed, skip/xfail markers added,
 * test configuration edited (conftest.py, pytest.ini, jest config, package.json's test script, …), and code
 * under test that imports a test framework (it could patch the framework from inside). Each becomes a blocking
 * finding, whatever the reviewer model said. Edits to a file that the issue itself names are allowed (the issue
 * asked for them), except deletions and skip markers.
 */

/** Imports of a test framework (Python, JavaScript/TypeScript, Go) in an added line. */
const TEST_FRAMEWORK_IMPORT =
  /^\s*(?:import\s+(?:pytest|_pytest|unittest|nose2?|doctest)\b|from\s+(?:pytest|_pytest|unittest|nose2?)\b[\w.]*\s+import\b)|\b(?:require\s*\(|from\s+|import\s*\(?\s*)['"](?:node:test|vitest|jest|@jest\/[\w-]+|mocha|chai|ava|tap|uvu)['"]|^\s*(?:import\s+)?"testing"\s*$|\bimport\s+"testing"/;

/** Lines that declare a test (pytest/unittest, jest/vitest/mocha/node:test, Go, RSpec). */
const TEST_DECLARATION =
  /^\s*(async\s+)?def\s+test\w*\s*\(|^\s*(it|test|describe|context)(\.\w+)?\s*\(|^\s*func\s+Test\w*\s*\(|^\s*class\s+Test\w*/;
/** Lines that assert. */
const ASSERTION =
  /\bassert\w*\b|\bexpect\s*\(|\bshould\b|\.toBe|\.toEqual|\bt\.(Error|Fatal)|\bself\.fail\b|pytest\.raises/;
/** Markers that skip or expect failure. */
const SKIP_MARKER =
  /\bpytest\.mark\.(skip|skipif|xfail)\b|\bpytestmark\s*=|allow_module_level\s*=\s*True|\bpytest\.(skip|xfail)\s*\(|@unittest\.(skip|expectedFailure)|\b(it|test|describe)\.(skip|todo)\b|\bx(it|describe|test)\s*\(|\{\s*skip\s*:\s*true|\bt\.Skip\(|\bskip\(\s*\)/;

function count(lines: { text: string }[], pattern: RegExp): number {
  return lines.filter((line) => pattern.test(line.text)).length;
}

function firstLine(lines: { text: string; newLine: number }[], pattern: RegExp): number {
  return lines.find((line) => pattern.test(line.text))?.newLine ?? 1;
}

/** What else the detection needs beyond the diff. */
export interface WeakeningContext {
  /** The issue's title, body and instructions: a file they name may be edited (the issue asked for it). */
  issueText: string;
  /** Root manifests whose test section the change edits (see `testSectionChanged`). */
  testSectionEdits?: readonly string[];
}

/** True when the issue names `path` (the full path, or a file name with an extension). */
export function issueNames(issueText: string, path: string): boolean {
  const base = path.split("/").at(-1) ?? path;
  return issueText.includes(path) || (base.includes(".") && issueText.includes(base));
}

/**
 * Findings for every way `diff` weakens tests.
 * @param diff  unified diff of the change against the base commit
 * @param attempt  attempt number stored on the findings
 */
export function detectTestWeakening(
  diff: string,
  attempt: number,
  context: WeakeningContext = { issueText: "" },
): Finding[] {
  const findings: Finding[] = [];
  const block = (file: string, line: number, explanation: string, suggestion: string) =>
    findings.push({ file, line, severity: "blocking", explanation, suggestion, attempt });
  for (const manifest of context.testSectionEdits ?? []) {
    if (issueNames(context.issueText, manifest)) continue;
    block(
      manifest,
      1,
      `The change edits the test configuration in ${manifest} (which tests run or how); the verification ran the base commit's version.`,
      "Leave the test configuration as it is unless the issue asks for a change to it.",
    );
  }
  for (const file of parseUnifiedDiff(diff)) {
    const path = file.newPath ?? file.oldPath ?? "";
    const asked = issueNames(context.issueText, path);
    if (isTestConfigFile(path) || isTestConfigFile(file.oldPath ?? path)) {
      if (!asked) {
        block(
          path,
          file.addedLines[0]?.newLine ?? 1,
          `The change ${file.added ? "adds" : file.deleted ? "deletes" : "edits"} the test configuration file ${path}, which can deselect, skip or rewrite tests; the verification ran the base commit's version.`,
          "Leave the test configuration as it is unless the issue asks for a change to it.",
        );
      }
      continue;
    }
    if (!isTestFile(file.oldPath ?? path) && !isTestFile(path)) {
      const imports = file.addedLines.find((line) => TEST_FRAMEWORK_IMPORT.test(line.text));
      if (imports) {
        block(
          path,
          imports.newLine,
          "Code under test imports a test framework; it could change how the tests run or what they report.",
          "Keep test frameworks out of the code under test.",
        );
      }
      continue;
    }
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
    if (!file.added && !asked && removedTests <= 0 && removedAsserts <= 0 && file.removed.length > 0) {
      block(
        path,
        file.removed[0]?.newLine ?? 1,
        `The change modifies ${file.removed.length} existing line(s) of this pre-existing test file; the verification ran the base commit's version of it.`,
        "Add new tests (in a new file or after the existing ones) instead of changing existing tests.",
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
