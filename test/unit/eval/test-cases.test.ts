import { describe, expect, it } from "vitest";
import { filesAfterPatch, patchedPaths, withoutPaths } from "../../../src/eval/patch-files.js";
import { listedTestPassed, parseTestCases } from "../../../src/eval/test-cases.js";

const PYTEST_JUNIT = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="1" skipped="1" tests="4">
<testcase classname="tests.test_more.ChunkedTests" name="test_even" time="0.001"/>
<testcase classname="tests.test_more.ChunkedTests" name="test_negative" time="0.001"><failure message="x">boom</failure></testcase>
<testcase classname="tests.test_ops" name="test_add[1-2]" time="0.001"/>
<testcase classname="tests.test_ops" name="test_skip" time="0.001"><skipped message="s"/></testcase>
</testsuite></testsuites>`;

describe("per-test results", () => {
  it("reads pytest's JUnit XML and matches pytest node ids against it", () => {
    const cases = parseTestCases("junit", PYTEST_JUNIT);
    expect(cases.map((c) => c.status)).toEqual(["passed", "failed", "passed", "skipped"]);
    expect(listedTestPassed("tests/test_more.py::ChunkedTests::test_even", cases)).toBe(true);
    expect(listedTestPassed("tests/test_more.py::ChunkedTests::test_negative", cases)).toBe(false);
    expect(listedTestPassed("tests/test_ops.py::test_add[1-2]", cases)).toBe(true);
    expect(listedTestPassed("tests/test_ops.py::test_skip", cases)).toBe(false);
    expect(listedTestPassed("tests/test_ops.py::test_missing", cases)).toBe(false);
  });

  it("reads go test -json events and libtest lines; garbage gives no results", () => {
    const go = [
      '{"Action":"run","Package":"example.com/u","Test":"TestA"}',
      '{"Action":"pass","Package":"example.com/u","Test":"TestA"}',
      '{"Action":"fail","Package":"example.com/u","Test":"TestB/sub"}',
    ].join("\n");
    const cases = parseTestCases("go-json", go);
    expect(listedTestPassed("TestA", cases)).toBe(true);
    expect(listedTestPassed("TestB/sub", cases)).toBe(false);
    const rust = parseTestCases("libtest", "running 2 tests\ntest test_parse ... ok\ntest tests::x ... FAILED\n");
    expect(listedTestPassed("test_parse", rust)).toBe(true);
    expect(listedTestPassed("tests::x", rust)).toBe(false);
    expect(parseTestCases("junit", "<not xml")).toEqual([]);
  });
});

describe("patch files", () => {
  const patch = [
    "diff --git a/src/a.py b/src/a.py\n--- a/src/a.py\n+++ b/src/a.py\n@@ -1 +1 @@\n-a\n+b\n",
    "diff --git a/tests/t.py b/tests/t.py\nnew file mode 100644\n--- /dev/null\n+++ b/tests/t.py\n@@ -0,0 +1 @@\n+x\n",
    "diff --git a/old.py b/old.py\ndeleted file mode 100644\n--- a/old.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-y\n",
  ].join("");

  it("lists touched and surviving files, and drops the sections of given paths", () => {
    expect(patchedPaths(patch)).toEqual(["src/a.py", "tests/t.py", "old.py"]);
    expect(filesAfterPatch(patch)).toEqual(["src/a.py", "tests/t.py"]);
    expect(withoutPaths(patch, ["tests/t.py"])).not.toContain("tests/t.py");
    expect(withoutPaths(patch, ["tests/t.py"])).toContain("src/a.py");
  });
});
