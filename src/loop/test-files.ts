/**
 * Recognises test files by path, across the ecosystems Tanuki supports: `tests/`, `test/`, `__tests__/`, `spec/`
 * folders; `test_*.py`, a `test.py` or `tests.py` (unittest), `*_test.py`, `*_test.go`, `*.test.ts`, `*.spec.js` (and `.mjs`, `.cjs`, `.tsx`, `.jsx`);
 * `conftest.py`.
 */
const TEST_PATTERNS = [
  /(^|\/)(tests?|__tests__|spec|specs)\//i,
  /(^|\/)test_[^/]*\.py$/i,
  /(^|\/)tests?\.py$/i,
  /_test\.(py|go|rb)$/i,
  /\.(test|spec)\.[cm]?[jt]sx?$/i,
  /(^|\/)conftest\.py$/i,
];

/** True when `path` (repository-relative, POSIX) looks like a test file or lies in a test folder. */
export function isTestFile(path: string): boolean {
  return TEST_PATTERNS.some((pattern) => pattern.test(path));
}
