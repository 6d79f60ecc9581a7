import { createHash } from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import type { TestCaseResult, TestStatus } from "../core/test-report.js";

/**
 * How a JUnit XML report names its cases, which decides the ids (see `TestCaseResult.id`):
 * - `pytest`: pytest's report with `junit_family=xunit1` (`file` attribute + dotted `classname`) → node ids;
 * - `node`: node:test's junit reporter (suites nest, `classname` is always `test`) → `<suite> > <test>` (a suite path
 *   over 1,000 characters is cut and ends in a hash of the whole, see {@link boundedPath});
 * - `mocha`: mocha's xunit reporter (`classname` is the suite title) → `<suite> > <test>`;
 * - `vitest`: vitest's junit reporter (`classname` is the file, `name` already `<describe> > <test>`);
 * - `generic`: anything else (Maven Surefire, Gradle) → `<classname>::<name>`.
 */
export type JUnitFlavor = "pytest" | "node" | "mocha" | "vitest" | "generic";

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  // Failure texts and captured output can be large and are not needed: keep them unparsed.
  stopNodes: ["*.failure", "*.error", "*.skipped", "*.system-out", "*.system-err", "*.properties"],
  isArray: (name) => name === "testsuite" || name === "testcase",
  // Reports come from code under test: keep entity expansion bounded (fast-xml-parser's own limits, tighter).
  processEntities: { enabled: true, maxTotalExpansions: 10_000, maxExpandedLength: 1_000_000 },
  // Numeric character references (`&#x22;`, as mocha's xunit reporter writes quotes) are XML, yet fast-xml-parser
  // decodes them only with this option on.
  htmlEntities: true,
  parseTagValue: false,
  parseAttributeValue: false,
});

function text(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}

function statusOf(testcase: XmlNode): TestStatus {
  if ("error" in testcase) return "error";
  if ("failure" in testcase) return "failed";
  if ("skipped" in testcase) return "skipped";
  return "passed";
}

/** pytest: `file` + `classname` (`tests.test_x.TestC`) + `name` → `tests/test_x.py::TestC::name`. */
function pytestCase(testcase: XmlNode): { id: string; file?: string } {
  const name = text(testcase.name);
  const classname = text(testcase.classname);
  const file = text(testcase.file);
  if (!file) return { id: classname ? `${classname}::${name}` : name };
  const modulePath = file.replace(/\.py$/, "").split("/").join(".");
  // A module that failed to collect is reported as `classname="" name="<module path>"`: its node id is the file.
  if (!classname && name === modulePath) return { id: file, file };
  const rest =
    classname === modulePath
      ? ""
      : classname.startsWith(`${modulePath}.`)
        ? classname.slice(modulePath.length + 1)
        : "";
  const parts = [file, ...(rest ? rest.split(".") : []), name];
  return { id: parts.join("::"), file };
}

/** Longest suite path kept whole in an id (`node` flavor), characters. */
const MAX_SUITE_PATH_CHARS = 1_000;

/**
 * `path` itself when at most {@link MAX_SUITE_PATH_CHARS} long, else its start and a hash of the whole (still unique
 * and the same in every run). Every nested suite and case extends its parent's bounded path, so a report with a huge
 * suite name and many cases in it costs linear time and memory, not one copy of the name per case.
 */
function boundedPath(path: string): string {
  if (path.length <= MAX_SUITE_PATH_CHARS) return path;
  const digest = createHash("sha256").update(path).digest("hex").slice(0, 16);
  return `${path.slice(0, MAX_SUITE_PATH_CHARS - digest.length - 1)}…${digest}`;
}

/** `suites > name`, or `name` at the top level. */
function under(suites: string, name: string): string {
  return suites ? `${suites} > ${name}` : name;
}

function caseFor(testcase: XmlNode, suites: string, flavor: JUnitFlavor): TestCaseResult | undefined {
  const name = text(testcase.name);
  if (!name) return undefined;
  const classname = text(testcase.classname);
  const status = statusOf(testcase);
  switch (flavor) {
    case "pytest": {
      const { id, file } = pytestCase(testcase);
      return { id, name, status, ...(file ? { file } : {}) };
    }
    case "node":
      return { id: under(suites, name), name, status };
    case "mocha":
      return { id: classname ? `${classname} > ${name}` : name, name, status };
    case "vitest":
      return {
        id: classname ? `${classname}::${name}` : name,
        name,
        status,
        ...(classname ? { file: classname } : {}),
      };
    case "generic": {
      const file = text(testcase.file);
      return { id: classname ? `${classname}::${name}` : name, name, status, ...(file ? { file } : {}) };
    }
  }
}

/** Collects the cases under `node`; `suites` is the bounded path of enclosing suites (`node` flavor only). */
function collect(node: XmlNode, suites: string, flavor: JUnitFlavor, out: TestCaseResult[]): void {
  for (const testcase of (node.testcase as XmlNode[] | undefined) ?? []) {
    const result = caseFor(testcase, suites, flavor);
    if (result) out.push(result);
  }
  for (const suite of (node.testsuite as XmlNode[] | undefined) ?? []) {
    const name = text(suite.name);
    // node:test nests suites by describe(); the top-level suite of other runners is the file or the run.
    collect(suite, flavor === "node" && name ? boundedPath(under(suites, name)) : suites, flavor, out);
  }
}

/**
 * Parses one JUnit XML document (`<testsuites>` or a single `<testsuite>`, suites nested or not) into per-test
 * outcomes. A case with `<error>` is `error`, `<failure>` `failed`, `<skipped>` `skipped`, else `passed`.
 *
 * @returns the cases in document order (empty for a report with none)
 * @throws Error when the text is not well-formed XML or has neither root element
 */
export function parseJUnitXml(xml: string, flavor: JUnitFlavor): TestCaseResult[] {
  const doc = parser.parse(xml, true) as XmlNode;
  const root = (doc.testsuites as XmlNode | undefined) ?? ({ testsuite: doc.testsuite } as XmlNode);
  if (!doc.testsuites && !doc.testsuite) throw new Error("not a JUnit XML report: no <testsuites> or <testsuite>");
  const out: TestCaseResult[] = [];
  collect(typeof root === "object" && root !== null ? root : {}, "", flavor, out);
  return out;
}
