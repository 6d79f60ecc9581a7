import type { TestCaseResult, TestStatus } from "../core/test-report.js";

/** `test tests::adds ... ok` (libtest's pretty format, which `cargo test` prints by default). */
const CASE_LINE = /^test (\S+) \.\.\. (ok|FAILED|ignored|bench)\b/;
/** `     Running tests/api.rs (target/debug/deps/api-1a2b)` / `     Running unittests src/lib.rs (...)`. */
const RUNNING = /^\s*Running (?:unittests )?(\S+)/;

/**
 * Parses the per-test lines of Rust's libtest output (`cargo test`): ids are the test paths (`module::tests::name`),
 * `file` the target that ran them (`src/lib.rs`, `tests/api.rs`) when cargo printed it. `ignored` is `skipped`.
 *
 * @returns the cases in output order (empty when the output has no libtest lines)
 */
export function parseLibtestText(output: string): TestCaseResult[] {
  const cases: TestCaseResult[] = [];
  let file: string | undefined;
  for (const line of output.split(/\r?\n/)) {
    const running = line.match(RUNNING);
    if (running) {
      file = running[1];
      continue;
    }
    const match = line.match(CASE_LINE);
    if (!match) continue;
    const id = match[1] ?? "";
    const verdict = match[2];
    const status: TestStatus = verdict === "FAILED" ? "failed" : verdict === "ignored" ? "skipped" : "passed";
    cases.push({ id, name: id.split("::").at(-1) ?? id, status, ...(file ? { file } : {}) });
  }
  return cases;
}
