import { posix } from "node:path";

/** Folders whose whole content belongs to the tests (test code, fixtures, expected outputs). */
const TEST_DIRS = new Set(["test", "tests", "__tests__", "spec", "specs", "testdata", "testing"]);

/** File names that are tests wherever they are. */
const TEST_NAMES = [
  /^test_.+\.py$/i, // pytest
  /^tests?\.py$/i, // a root or package unittest module
  /^conftest\.py$/i, // pytest fixtures and hooks
  /_test\.[a-z0-9]+$/i, // Go, Python, Ruby, …: name_test.ext
  /_spec\.rb$/i, // RSpec
  /\.(test|spec)\.[a-z0-9]+$/i, // jest, vitest, mocha, node:test: name.test.ts
  /^(Test[A-Z]\w*|\w+(Test|Tests|IT|Spec))\.(java|kt|kts|scala|groovy|cs)$/, // JUnit, Kotest, xUnit
];

/**
 * The one test-file rule of Tanuki (the tester may edit only these; the verification runs the base commit's
 * version of the pre-existing ones; the explorer lists them). True for a repository-relative POSIX path that lies
 * under a test folder (`test/`, `tests/`, `__tests__/`, `spec/`, `specs/`, `testdata/`, `testing/`, at any depth,
 * data files included: fixtures and expected outputs decide what a test asserts), or whose name is a test by
 * convention (`test_*.py`, `test.py`, `tests.py`, `conftest.py`, `*_test.<ext>`, `*_spec.rb`, `*.test.<ext>`,
 * `*.spec.<ext>`, `FooTest.java`, `TestFoo.java`, `FooTests.cs`, …).
 */
export function isTestFile(path: string): boolean {
  const segments = path.split("/");
  const base = segments.at(-1) ?? "";
  if (TEST_NAMES.some((pattern) => pattern.test(base))) return true;
  return segments.slice(0, -1).some((segment) => TEST_DIRS.has(segment.toLowerCase()));
}

/** Files that configure how tests are found and run, wherever they are (see {@link isTestConfigFile}). */
const TEST_CONFIG_NAMES = [
  /^conftest\.py$/i,
  /^pytest\.ini$/i,
  /^tox\.ini$/i,
  /^noxfile\.py$/i,
  /^\.?(jest|vitest|vitest\.workspace|karma|ava|playwright|cypress)\.config\.[a-z0-9.]+$/i,
  /^vitest\.workspace\.[a-z0-9.]+$/i,
  /^\.mocharc(\.[a-z0-9]+)?$/i,
  /^\.nycrc(\.[a-z0-9]+)?$/i,
  /^setupTests\.[a-z0-9]+$/i,
];

/**
 * Manifests that mix test configuration with everything else; a change to their test sections is a test-config
 * change (see `test-config-sections.ts`): `package.json` (scripts.test, jest, mocha, …), `pyproject.toml`
 * (`[tool.pytest.ini_options]`), `setup.cfg` (`[tool:pytest]`), `Cargo.toml`; root-level only.
 */
export const MIXED_TEST_CONFIG_FILES: readonly string[] = ["package.json", "pyproject.toml", "setup.cfg", "Cargo.toml"];

/**
 * True for files that only configure tests: `conftest.py`, `pytest.ini`, `tox.ini`, `noxfile.py`, jest/vitest/
 * karma/ava/playwright/cypress config files, `.mocharc*`, `.nycrc*`, `setupTests.*`. Editing one can deselect, skip
 * or rewrite tests without touching a test, so the verification always runs the base commit's version.
 */
export function isTestConfigFile(path: string): boolean {
  return TEST_CONFIG_NAMES.some((pattern) => pattern.test(posix.basename(path)));
}
