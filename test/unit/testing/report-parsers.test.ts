import { describe, expect, it } from "vitest";
import { parseGoTestJson } from "../../../src/testing/go-test-json.js";
import { parseJestJson } from "../../../src/testing/jest-json.js";
import { parseJUnitXml } from "../../../src/testing/junit-xml.js";
import { parseLibtestText } from "../../../src/testing/libtest-text.js";
import { parseUnittestVerbose } from "../../../src/testing/unittest-text.js";

describe("parseJUnitXml", () => {
  it("pytest (xunit1): node ids with classes and parameters; collection errors by file; skips", () => {
    // As pytest 7 writes it with -o junit_family=xunit1.
    const xml =
      '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5">' +
      '<testcase classname="tests.test_x.TestC" name="test_p[1]" file="tests/test_x.py" line="3" time="0.001" />' +
      '<testcase classname="tests.test_x.TestC" name="test_p[2]" file="tests/test_x.py" line="3"><failure message="assert 2 == 1">E &lt;x&gt;</failure></testcase>' +
      '<testcase classname="tests.test_x" name="test_s" file="tests/test_x.py" line="5"><skipped type="pytest.skip" message="no">x</skipped></testcase>' +
      '<testcase classname="" name="tests.test_bad" file="tests/test_bad.py"><error message="collection failure">ImportError</error></testcase>' +
      '<testcase classname="test_root" name="test_r" file="test_root.py" line="1" />' +
      "</testsuite></testsuites>";
    expect(parseJUnitXml(xml, "pytest")).toEqual([
      { id: "tests/test_x.py::TestC::test_p[1]", file: "tests/test_x.py", name: "test_p[1]", status: "passed" },
      { id: "tests/test_x.py::TestC::test_p[2]", file: "tests/test_x.py", name: "test_p[2]", status: "failed" },
      { id: "tests/test_x.py::test_s", file: "tests/test_x.py", name: "test_s", status: "skipped" },
      { id: "tests/test_bad.py", file: "tests/test_bad.py", name: "tests.test_bad", status: "error" },
      { id: "test_root.py::test_r", file: "test_root.py", name: "test_r", status: "passed" },
    ]);
  });

  it("decodes numeric character references in names (mocha's xunit reporter writes quotes as &#x22;)", () => {
    const xml =
      '<testsuite name="Mocha Tests" tests="1"><testcase classname="ms(invalid inputs)" name="should throw, when ms(&#x22;&#x22;) &amp; &#34;x&#34;" time="0"/></testsuite>';
    expect(parseJUnitXml(xml, "generic").map((c) => c.id)).toEqual([
      'ms(invalid inputs)::should throw, when ms("") & "x"',
    ]);
  });

  it("node:test's junit reporter: nested suites give `suite > test` ids", () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
	<testcase name="adds" time="0.001683" classname="test"/>
	<testsuite name="grp" time="0.002378" tests="2" failures="1" skipped="1">
		<testcase name="fails" time="0.001476" classname="test" failure="1 == 2"><failure type="testCodeFailure" message="1 == 2">at new Promise (&lt;anonymous>)</failure></testcase>
		<testcase name="sk" time="0.000148" classname="test"><skipped type="skipped" message="true"/></testcase>
	</testsuite>
	<!-- tests 3 -->
</testsuites>`;
    expect(parseJUnitXml(xml, "node").map((c) => [c.id, c.status])).toEqual([
      ["adds", "passed"],
      ["grp > fails", "failed"],
      ["grp > sk", "skipped"],
    ]);
  });

  it("node:test: a suite path over 1,000 characters is cut and ends in a hash of the whole (ids stay distinct)", () => {
    const long = "s".repeat(5_000);
    const xml = `<testsuites><testsuite name="${long}a"><testcase name="t"/></testsuite><testsuite name="${long}b"><testcase name="t"/></testsuite></testsuites>`;
    const ids = parseJUnitXml(xml, "node").map((c) => c.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) {
      expect(id.length).toBeLessThanOrEqual(1_000 + " > t".length);
      expect(id).toMatch(/^s+…[0-9a-f]{16} > t$/);
    }
    expect(parseJUnitXml(xml, "node").map((c) => c.id)).toEqual(ids);
  });

  it("Maven Surefire (a single <testsuite>): classname::name; vitest: file::title", () => {
    const surefire =
      '<?xml version="1.0" encoding="UTF-8"?><testsuite name="com.x.FooTest" tests="2">' +
      '<testcase name="adds" classname="com.x.FooTest" time="0"/>' +
      '<testcase name="breaks" classname="com.x.FooTest" time="0"><error type="java.lang.NullPointerException"/></testcase></testsuite>';
    expect(parseJUnitXml(surefire, "generic").map((c) => [c.id, c.status])).toEqual([
      ["com.x.FooTest::adds", "passed"],
      ["com.x.FooTest::breaks", "error"],
    ]);
    const vitest =
      '<testsuites><testsuite name="test/math.test.ts"><testcase classname="test/math.test.ts" name="math &gt; adds" time="0.001"></testcase></testsuite></testsuites>';
    expect(parseJUnitXml(vitest, "vitest")).toEqual([
      { id: "test/math.test.ts::math > adds", file: "test/math.test.ts", name: "math > adds", status: "passed" },
    ]);
  });

  it("refuses what is not a JUnit report, and bounds entity expansion", () => {
    expect(() => parseJUnitXml("<html></html>", "generic")).toThrow(/not a JUnit XML report/);
    const bomb = `<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]><testsuite><testcase name="&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"/></testsuite>`;
    // The entities are never expanded into the case (a billion-laughs report costs nothing).
    const parsed = (() => {
      try {
        return parseJUnitXml(bomb, "generic");
      } catch {
        return [];
      }
    })();
    expect(parsed.every((testcase) => testcase.name.length < 1_000)).toBe(true);
  });
});

describe("parseUnittestVerbose", () => {
  it("reads `name (dotted.id) ... verdict`, docstring lines between, and the pre-3.11 form", () => {
    const out = [
      "test_u (tests.test_u.T.test_u)",
      "Doc line. ... FAIL",
      "test_v (tests.test_u.T.test_v) ... ok",
      "test_w (tests.test_u.T) ... skipped 'later'",
      "test_x (tests.test_u.T.test_x) ... ERROR",
      "test_y (tests.test_u.T.test_y) ... expected failure",
      "Ran 5 tests in 0.004s",
    ].join("\n");
    expect(parseUnittestVerbose(out).map((c) => [c.id, c.status])).toEqual([
      ["tests.test_u.T.test_u", "failed"],
      ["tests.test_u.T.test_v", "passed"],
      ["tests.test_u.T.test_w", "skipped"],
      ["tests.test_u.T.test_x", "error"],
      ["tests.test_u.T.test_y", "passed"],
    ]);
  });
});

describe("parseGoTestJson", () => {
  it("gives `pkg/TestX` ids, subtests, and a build failure as one error case; keeps the text", () => {
    const lines = [
      { Action: "run", Package: "example.com/m/calc", Test: "TestAdd" },
      { Action: "output", Package: "example.com/m/calc", Test: "TestAdd", Output: "=== RUN   TestAdd\n" },
      { Action: "pass", Package: "example.com/m/calc", Test: "TestAdd", Elapsed: 0 },
      { Action: "fail", Package: "example.com/m/calc", Test: "TestDiv/zero", Elapsed: 0 },
      { Action: "skip", Package: "example.com/m/calc", Test: "TestSlow", Elapsed: 0 },
      { Action: "fail", Package: "example.com/m/calc", Elapsed: 0.1 },
      { Action: "output", Package: "example.com/m/broken", Output: "FAIL\texample.com/m/broken [build failed]\n" },
      { Action: "fail", Package: "example.com/m/broken", Elapsed: 0 },
    ].map((event) => JSON.stringify(event));
    const run = parseGoTestJson(["# example.com/m/broken", "broken.go:3:1: syntax error", ...lines].join("\n"));
    expect(run.cases.map((c) => [c.id, c.status])).toEqual([
      ["example.com/m/calc/TestAdd", "passed"],
      ["example.com/m/calc/TestDiv/zero", "failed"],
      ["example.com/m/calc/TestSlow", "skipped"],
      ["example.com/m/broken", "error"],
    ]);
    expect(run.text).toContain("broken.go:3:1: syntax error");
    expect(run.text).toContain("=== RUN   TestAdd");
  });

  it("keeps lines that open with { but are no JSON object as text", () => {
    const run = parseGoTestJson('{ not json\n{"Action":"pass","Package":"p","Test":"T"}\n{"Action":\n');
    expect(run.cases.map((c) => c.id)).toEqual(["p/T"]);
    expect(run.text).toBe('{ not json\n{"Action":\n');
  });
});

describe("parseLibtestText", () => {
  it("reads cargo test's per-test lines with the target that ran them", () => {
    const out = [
      "     Running unittests src/lib.rs (target/debug/deps/calc-1a2b)",
      "running 2 tests",
      "test tests::adds ... ok",
      "test tests::divides ... FAILED",
      "     Running tests/api.rs (target/debug/deps/api-3c4d)",
      "test slow ... ignored",
    ].join("\n");
    expect(parseLibtestText(out)).toEqual([
      { id: "tests::adds", name: "adds", status: "passed", file: "src/lib.rs" },
      { id: "tests::divides", name: "divides", status: "failed", file: "src/lib.rs" },
      { id: "slow", name: "slow", status: "skipped", file: "tests/api.rs" },
    ]);
  });
});

describe("parseJestJson", () => {
  it("gives `file::describe > test` ids relative to the work folder; a file that failed to run is an error", () => {
    const json = JSON.stringify({
      numTotalTests: 2,
      testResults: [
        {
          name: "/workspace/src/sum.test.js",
          status: "failed",
          assertionResults: [
            { ancestorTitles: ["sum"], title: "adds", status: "passed", fullName: "sum adds" },
            { ancestorTitles: ["sum"], title: "overflows", status: "failed", fullName: "sum overflows" },
            { ancestorTitles: [], title: "later", status: "todo" },
          ],
        },
        {
          name: "/workspace/src/broken.test.js",
          status: "failed",
          message: "Cannot find module",
          assertionResults: [],
        },
      ],
    });
    expect(parseJestJson(json, "/workspace").map((c) => [c.id, c.status])).toEqual([
      ["src/sum.test.js::sum > adds", "passed"],
      ["src/sum.test.js::sum > overflows", "failed"],
      ["src/sum.test.js::later", "skipped"],
      ["src/broken.test.js", "error"],
    ]);
  });
});
