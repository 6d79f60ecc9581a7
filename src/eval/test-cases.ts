import { XMLParser } from "fast-xml-parser";

/**
 * One test's result, as the per-test contract of Tanuki's test phase states it (`src/testing`): `id` is the
 * runner's full name (pytest node id, JUnit `classname::name`, `go test` name, libtest path).
 */
export interface TestCaseResult {
  id: string;
  file?: string;
  name: string;
  status: "passed" | "failed" | "error" | "skipped";
  /** Other spellings of the same test (suite path + name, classname::name), used to match task lists. */
  aliases?: string[];
}

/** Machine-readable result formats the scoring run can read. */
export type ResultFormat = "junit" | "jest-json" | "go-json" | "libtest";

/**
 * Per-test results from a runner's machine-readable output. JUnit XML through fast-xml-parser (pytest
 * `--junitxml`, node's and vitest's junit reporters, mocha xunit, surefire); jest `--json`; `go test -json`
 * events; libtest's `test name ... ok` lines. Unreadable input gives no cases (every listed test then counts as
 * not passed), never an exception.
 */
export function parseTestCases(format: ResultFormat, text: string): TestCaseResult[] {
  try {
    switch (format) {
      case "junit":
        return parseJUnit(text);
      case "jest-json":
        return parseJestJson(text);
      case "go-json":
        return parseGoJson(text);
      case "libtest":
        return parseLibtest(text);
    }
  } catch {
    return [];
  }
}

type XmlNode = Record<string, unknown>;

function parseJUnit(text: string): TestCaseResult[] {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    processEntities: true,
    isArray: (name) => name === "testsuite" || name === "testcase",
  });
  const root = parser.parse(text) as XmlNode;
  const cases: TestCaseResult[] = [];
  const walk = (node: XmlNode, suites: string[]): void => {
    for (const testcase of asNodes(node.testcase)) cases.push(junitCase(testcase, suites));
    for (const suite of asNodes(node.testsuite)) {
      const name = typeof suite.name === "string" ? suite.name : "";
      walk(suite, name ? [...suites, name] : suites);
    }
  };
  walk(asNodes(root.testsuites)[0] ?? root, []);
  return cases;
}

function junitCase(node: XmlNode, suites: string[]): TestCaseResult {
  const name = String(node.name ?? "");
  const classname = typeof node.classname === "string" ? node.classname : "";
  const file = typeof node.file === "string" ? node.file : undefined;
  const status: TestCaseResult["status"] =
    "error" in node ? "error" : "failure" in node ? "failed" : "skipped" in node ? "skipped" : "passed";
  const suitePath = [...suites, name].join(" > ");
  const id = classname && classname !== "test" ? `${classname}::${name}` : suitePath;
  return { id, name, status, ...(file ? { file } : {}), aliases: [suitePath, [...suites, name].join(" ")] };
}

function asNodes(value: unknown): XmlNode[] {
  if (Array.isArray(value)) return value.filter((v): v is XmlNode => typeof v === "object" && v !== null);
  return typeof value === "object" && value !== null ? [value as XmlNode] : [];
}

function parseJestJson(text: string): TestCaseResult[] {
  const report = JSON.parse(text) as {
    testResults?: { name?: string; assertionResults?: { fullName?: string; title?: string; status?: string }[] }[];
  };
  return (report.testResults ?? []).flatMap((file) =>
    (file.assertionResults ?? []).map((test) => {
      const name = test.fullName ?? test.title ?? "";
      const status = test.status === "passed" ? "passed" : test.status === "failed" ? "failed" : "skipped";
      return { id: name, name: test.title ?? name, status, ...(file.name ? { file: file.name } : {}) };
    }),
  );
}

function parseGoJson(text: string): TestCaseResult[] {
  const results = new Map<string, TestCaseResult>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("{")) continue;
    let event: { Action?: string; Test?: string; Package?: string };
    try {
      event = JSON.parse(line);
    } catch {
      continue;
    }
    if (!event.Test || !["pass", "fail", "skip"].includes(event.Action ?? "")) continue;
    const status = event.Action === "pass" ? "passed" : event.Action === "fail" ? "failed" : "skipped";
    const key = `${event.Package ?? ""}\u0000${event.Test}`;
    results.set(key, {
      id: event.Test,
      name: event.Test,
      status,
      ...(event.Package ? { aliases: [`${event.Package}.${event.Test}`] } : {}),
    });
  }
  return [...results.values()];
}

function parseLibtest(text: string): TestCaseResult[] {
  const cases: TestCaseResult[] = [];
  for (const line of text.split("\n")) {
    const match = /^test (\S+) \.\.\. (ok|FAILED|ignored)\s*$/.exec(line.trimEnd());
    if (!match?.[1]) continue;
    const status = match[2] === "ok" ? "passed" : match[2] === "FAILED" ? "failed" : "skipped";
    cases.push({ id: match[1], name: match[1].split("::").pop() ?? match[1], status });
  }
  return cases;
}

/** Spelling-insensitive form of a test name: `a/b/test_x.py::C::t` and `a.b.test_x.C::t` compare equal. */
function normalize(name: string): string {
  return name
    .trim()
    .replace(/\.py(?=::|$)/g, "")
    .replace(/::|\//g, ".")
    .replace(/\s+/g, " ");
}

/**
 * Whether a test listed in a task (`FAIL_TO_PASS` / `PASS_TO_PASS`) passed: every result whose id, alias or
 * name spells it must have passed, and at least one must exist. Skipped, failed, errored or absent = not passed
 * (SWE-bench's rule).
 */
export function listedTestPassed(listed: string, cases: readonly TestCaseResult[]): boolean {
  const wanted = normalize(listed);
  const matching = cases.filter((c) => [c.id, ...(c.aliases ?? [])].some((key) => normalize(key) === wanted));
  const found = matching.length > 0 ? matching : cases.filter((c) => c.name === listed);
  return found.length > 0 && found.every((c) => c.status === "passed");
}
