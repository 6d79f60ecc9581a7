import { describe, expect, it } from "vitest";
import { isTestConfigFile, isTestFile } from "../../../src/testing/test-files.js";

describe("isTestFile: the one rule for what is a test", () => {
  it.each([
    ["tests/test_calc.py", true],
    ["calc_test.py", true],
    ["test.py", true],
    ["pkg/tests.py", true],
    ["conftest.py", true],
    ["src/a.test.ts", true],
    ["src/a.spec.jsx", true],
    ["test/helpers.js", true],
    ["src/__tests__/a.tsx", true],
    ["tests/__init__.py", true],
    // Fixture data decides what a test asserts: it belongs to the tests (the two old rules disagreed here).
    ["test/fixtures/data.json", true],
    ["pkg/testdata/golden.txt", true],
    // `<name>_test.<ext>` in any language (the two old rules disagreed here too).
    ["src/foo_test.rs", true],
    ["server/handler_test.go", true],
    ["spec/models/user_spec.rb", true],
    ["src/test/java/com/x/FooTest.java", true],
    ["app/src/main/kotlin/FooTests.kt", true],
    ["pkg/parser_test.go", true],
    ["crate/tests/parse.rs", true],
    ["src/main/java/com/acme/ParserTest.java", true],
    ["src/main/java/com/acme/Parser.java", false],
    ["src/testing.py", false],
    ["src/contest.ts", false],
    ["src/latest.py", false],
    ["src/main/java/com/x/Tester.java", false],
    ["calc.py", false],
  ])("%s → %s", (path, expected) => {
    expect(isTestFile(path)).toBe(expected);
  });
});

describe("isTestConfigFile", () => {
  it.each([
    ["conftest.py", true],
    ["tests/conftest.py", true],
    ["pytest.ini", true],
    ["tox.ini", true],
    ["jest.config.js", true],
    ["vitest.config.mts", true],
    [".mocharc.yml", true],
    ["package.json", false],
    ["src/config.py", false],
  ])("%s → %s", (path, expected) => {
    expect(isTestConfigFile(path)).toBe(expected);
  });
});
