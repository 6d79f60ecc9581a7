/**
 * Parsing of test-runner summaries into counts, for runs without a machine-readable report. Recognises pytest,
 * node:test (TAP and spec reporters), jest, vitest, mocha, unittest and cargo/libtest. Unknown output gives
 * `undefined` counts: the loop then relies on the exit code alone.
 */

/** Counts parsed from a runner's summary. A field is absent when the summary does not mention it. */
export interface TestCounts {
  runner: "pytest" | "node" | "jest" | "vitest" | "mocha" | "unittest" | "libtest";
  passed?: number;
  failed?: number;
  errors?: number;
  skipped?: number;
}

/** Strips ANSI colour codes (runners colour their summaries on a TTY). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]/g, "");
}

/** `{ passed: 2, failed: 1 }` from pieces like `2 passed`, `1 failed` (last occurrence of each word wins). */
function countWords(text: string, words: Record<string, keyof Omit<TestCounts, "runner">>): Partial<TestCounts> {
  const counts: Partial<TestCounts> = {};
  for (const match of text.matchAll(/(\d+)\s+([a-z]+)/gi)) {
    const key = words[(match[2] ?? "").toLowerCase()];
    if (key) counts[key] = (counts[key] ?? 0) + Number(match[1]);
  }
  return counts;
}

function lastMatch(lines: string[], pattern: RegExp): RegExpMatchArray | undefined {
  for (let i = lines.length - 1; i >= 0; i -= 1) {
    const match = (lines[i] ?? "").match(pattern);
    if (match) return match;
  }
  return undefined;
}

/** Words jest and vitest use in their `Tests` summary line. */
const JS_RUNNER_WORDS = { passed: "passed", failed: "failed", skipped: "skipped", todo: "skipped" } as const;

/** Jest (`Tests: 1 failed, 3 passed, 4 total`) or vitest (`Tests  1 failed | 3 passed (4)`), by its summary line. */
function parseJsSummary(lines: string[], runner: "jest" | "vitest", pattern: RegExp): TestCounts | undefined {
  const match = lastMatch(lines, pattern);
  if (!match) return undefined;
  const counts = countWords(match[1] ?? "", JS_RUNNER_WORDS);
  return { runner, passed: counts.passed ?? 0, failed: counts.failed ?? 0, ...pick(counts, "skipped") };
}

// `\s+(\S` splits a run of spaces only one way: `\s+(.*` tried every split, quadratic in a long line of spaces.
const parseJest = (lines: string[]) => parseJsSummary(lines, "jest", /^\s*Tests:\s+(\S.*\btotal)\s*$/);
const parseVitest = (lines: string[]) => parseJsSummary(lines, "vitest", /^\s*Tests\s+(\S.*)\(\d+\)\s*$/);

function parseNode(lines: string[]): TestCounts | undefined {
  const value = (name: string) => {
    const match = lastMatch(lines, new RegExp(`^\\s*(?:#|ℹ)\\s*${name}\\s+(\\d+)\\s*$`));
    return match ? Number(match[1]) : undefined;
  };
  const passed = value("pass");
  const failed = value("fail");
  if (passed === undefined || failed === undefined) return undefined;
  const skipped = (value("skipped") ?? 0) + (value("todo") ?? 0);
  return { runner: "node", passed, failed, ...(skipped > 0 ? { skipped } : {}) };
}

function parseMocha(lines: string[]): TestCounts | undefined {
  const passing = lastMatch(lines, /^\s*(\d+)\s+passing\b/);
  const failing = lastMatch(lines, /^\s*(\d+)\s+failing\s*$/);
  if (!passing && !failing) return undefined;
  const pending = lastMatch(lines, /^\s*(\d+)\s+pending\s*$/);
  return {
    runner: "mocha",
    passed: passing ? Number(passing[1]) : 0,
    failed: failing ? Number(failing[1]) : 0,
    ...(pending ? { skipped: Number(pending[1]) } : {}),
  };
}

function parsePytest(lines: string[]): TestCounts | undefined {
  const match = lastMatch(
    lines,
    /^[=\s]*((?:\d+ (?:passed|failed|errors?|skipped|xfailed|xpassed|deselected|warnings?)(?:, )?)+) in [\d.]+s/,
  );
  if (!match) {
    if (lastMatch(lines, /^[=\s]*no tests ran in [\d.]+s/)) return { runner: "pytest", passed: 0, failed: 0 };
    return undefined;
  }
  const counts = countWords(match[1] ?? "", {
    passed: "passed",
    failed: "failed",
    error: "errors",
    errors: "errors",
    skipped: "skipped",
    xfailed: "skipped",
    xpassed: "passed",
  });
  return {
    runner: "pytest",
    passed: counts.passed ?? 0,
    failed: counts.failed ?? 0,
    ...pick(counts, "errors"),
    ...pick(counts, "skipped"),
  };
}

/** unittest: `Ran 4 tests in 0.01s` then `OK (skipped=1)` or `FAILED (failures=1, errors=1)`. */
function parseUnittest(lines: string[]): TestCounts | undefined {
  const ran = lastMatch(lines, /^Ran (\d+) tests? in [\d.]+s\s*$/);
  if (!ran) return undefined;
  const verdict = lastMatch(lines, /^(OK|FAILED)\b(?: \((.*)\))?\s*$/);
  const details = Object.fromEntries(
    [...(verdict?.[2] ?? "").matchAll(/([a-z ]+)=(\d+)/g)].map((m) => [(m[1] ?? "").trim(), Number(m[2])]),
  );
  const failed = (details.failures ?? 0) + (details["unexpected successes"] ?? 0);
  const errors = details.errors ?? 0;
  const skipped = details.skipped ?? 0;
  return {
    runner: "unittest",
    passed: Number(ran[1]) - failed - errors - skipped,
    failed,
    ...(errors ? { errors } : {}),
    ...(skipped ? { skipped } : {}),
  };
}

/** cargo/libtest: one `test result: ok. 3 passed; 1 failed; 2 ignored; …` line per test binary, summed. */
function parseLibtest(lines: string[]): TestCounts | undefined {
  const results = lines.filter((line) => /^test result: (ok|FAILED)\./.test(line));
  if (results.length === 0) return undefined;
  const counts = countWords(results.join(" "), { passed: "passed", failed: "failed", ignored: "skipped" });
  return { runner: "libtest", passed: counts.passed ?? 0, failed: counts.failed ?? 0, ...pick(counts, "skipped") };
}

function pick(counts: Partial<TestCounts>, key: "errors" | "skipped"): Partial<TestCounts> {
  return counts[key] !== undefined ? { [key]: counts[key] } : {};
}

/**
 * Parses the summary of a test run's combined output (the last summary wins when a runner prints several).
 * @returns counts, or undefined when no known summary is found
 */
export function parseTestOutput(output: string): TestCounts | undefined {
  const lines = stripAnsi(output).split(/\r?\n/);
  return (
    parseJest(lines) ??
    parseVitest(lines) ??
    parseNode(lines) ??
    parseMocha(lines) ??
    parsePytest(lines) ??
    parseUnittest(lines) ??
    parseLibtest(lines)
  );
}
