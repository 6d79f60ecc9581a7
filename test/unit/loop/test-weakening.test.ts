import { describe, expect, it } from "vitest";
import { detectTestWeakening } from "../../../src/loop/test-weakening.js";

const header = (path: string) =>
  `diff --git a/${path} b/${path}\nindex 111..222 100644\n--- a/${path}\n+++ b/${path}\n`;

describe("detectTestWeakening", () => {
  it("flags a deleted test file as blocking", () => {
    const diff =
      "diff --git a/tests/test_calc.py b/tests/test_calc.py\ndeleted file mode 100644\nindex 111..000\n" +
      "--- a/tests/test_calc.py\n+++ /dev/null\n@@ -1,3 +0,0 @@\n-def test_div():\n-    assert div(4, 2) == 2\n-\n";
    const findings = detectTestWeakening(diff, 2);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ file: "tests/test_calc.py", severity: "blocking", attempt: 2 });
    expect(findings[0]?.explanation).toMatch(/deletes this test file/);
  });

  it("flags removed test functions and assertions", () => {
    const diff =
      header("tests/test_calc.py") +
      "@@ -1,7 +1,3 @@\n def test_add():\n     assert add(1, 2) == 3\n-\n-def test_div_zero():\n-    with pytest.raises(ZeroDivisionError):\n-        div(1, 0)\n";
    const findings = detectTestWeakening(diff, 1);
    expect(findings.map((f) => f.explanation).join(" ")).toMatch(/removes 1 test function/);
    expect(findings.map((f) => f.explanation).join(" ")).toMatch(/removes 1 assertion/);
    expect(findings.every((f) => f.severity === "blocking")).toBe(true);
    expect(findings[0]?.line).toBe(3);
  });

  it("flags added skip markers (pytest, jest/vitest, xit)", () => {
    const diff =
      header("tests/test_calc.py") +
      "@@ -1,2 +1,3 @@\n+@pytest.mark.skip(reason='flaky')\n def test_div():\n     assert div(4, 2) == 2\n" +
      header("src/calc.test.ts") +
      "@@ -1,2 +1,2 @@\n-it('divides', () => {\n+it.skip('divides', () => {\n";
    const findings = detectTestWeakening(diff, 1);
    expect(findings.filter((f) => /skip/.test(f.explanation)).map((f) => f.file)).toEqual([
      "tests/test_calc.py",
      "src/calc.test.ts",
    ]);
  });

  it("does not flag added tests or changes to source files", () => {
    const diff =
      header("tests/test_calc.py") +
      "@@ -1,2 +1,5 @@\n def test_div():\n     assert div(4, 2) == 2.0\n+\n+def test_div_zero():\n+    assert div(1, 0) is None\n" +
      header("calc.py") +
      "@@ -1,2 +1,2 @@\n-def test_helper():\n-    assert True\n";
    expect(detectTestWeakening(diff, 1)).toEqual([]);
  });

  it("blocks a replaced assertion (a tautology is one) unless the issue names the test file", () => {
    const diff =
      header("tests/test_calc.py") +
      "@@ -1,2 +1,2 @@\n def test_div():\n-    assert div(4, 2) == 2.0\n+    assert True\n";
    const findings = detectTestWeakening(diff, 1);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.explanation).toMatch(/modifies 1 existing line/);
    expect(detectTestWeakening(diff, 1, { issueText: "tests/test_calc.py asserts the wrong value" })).toEqual([]);
  });

  it("blocks test configuration edits and code under test that imports a test framework", () => {
    const diff =
      header("conftest.py") +
      "@@ -0,0 +1,2 @@\n+def pytest_collection_modifyitems(items):\n+    items.clear()\n" +
      header("calc.py") +
      "@@ -1,1 +1,3 @@\n+import unittest\n+unittest.TestCase.assertEqual = lambda *a, **k: None\n def div(a, b):\n" +
      header("lib/index.js") +
      "@@ -1,1 +1,2 @@\n+const { test } = require('node:test');\n module.exports = {};\n";
    const files = detectTestWeakening(diff, 1, { issueText: "", testSectionEdits: ["package.json"] }).map(
      (f) => f.file,
    );
    expect(files.sort()).toEqual(["calc.py", "conftest.py", "lib/index.js", "package.json"]);
  });
});
