import { describe, expect, it } from "vitest";
import { detectLanguage, detectProject, isTestFile } from "../../../src/context/detect.js";

describe("isTestFile", () => {
  it.each([
    ["tests/test_calc.py", true],
    ["calc_test.py", true],
    ["src/a.test.ts", true],
    ["src/a.spec.jsx", true],
    ["test/helpers.js", true],
    ["src/__tests__/a.tsx", true],
    ["tests/__init__.py", false],
    ["src/testing.py", false],
    ["tests/data.json", false],
    ["src/contest.ts", false],
  ])("%s → %s", (path, expected) => {
    expect(isTestFile(path)).toBe(expected);
  });
});

describe("detectLanguage", () => {
  it("picks the language with most source files and ignores declarations and non-source files", () => {
    expect(detectLanguage(["a.py", "b.py", "c.js", "types.d.ts", "x.d.ts", "y.d.ts", "README.md"])).toBe("python");
    expect(detectLanguage(["README.md"])).toBe("unknown");
  });
});

describe("detectProject", () => {
  it("detects poetry from the lock file and pytest from pyproject config without test files", () => {
    const result = detectProject(["pyproject.toml", "poetry.lock", "pkg/mod.py"], {
      "pyproject.toml": "[tool.poetry]\nname='x'\n\n[tool.pytest.ini_options]\naddopts='-q'\n",
    });
    expect(result).toEqual({
      language: "python",
      packageManager: "poetry",
      testCommand: "python3 -m pytest -q -p no:cacheprovider",
      testDir: "tests",
      testFiles: [],
    });
  });

  it("detects uv from pyproject and no test command when there are neither tests nor pytest config", () => {
    const result = detectProject(["pyproject.toml", "app.py"], { "pyproject.toml": "[project]\n\n[tool.uv]\n" });
    expect(result.packageManager).toBe("uv");
    expect(result.testCommand).toBeUndefined();
  });

  it("detects yarn, and the npm test script over node --test", () => {
    const result = detectProject(["package.json", "yarn.lock", "index.js", "index.test.js"], {
      "package.json": JSON.stringify({ scripts: { test: "jest" } }),
    });
    expect(result).toMatchObject({ language: "javascript", packageManager: "yarn", testCommand: "npm test --silent" });
  });

  it("has no Node test command for TypeScript test files without a test script", () => {
    const result = detectProject(["package.json", "src/a.ts", "src/a.test.ts"], { "package.json": "{}" });
    expect(result.testCommand).toBeUndefined();
    expect(result.testFiles).toEqual(["src/a.test.ts"]);
  });

  it("asks the main language's ecosystem first", () => {
    const files = ["package.json", "package-lock.json", "a.py", "b.py", "tests/test_a.py", "requirements.txt"];
    const result = detectProject(files, { "package.json": JSON.stringify({ scripts: { test: "vitest" } }) });
    expect(result).toMatchObject({ packageManager: "pip", testCommand: "python3 -m pytest -q -p no:cacheprovider" });
  });

  it("survives an unparsable package.json", () => {
    const result = detectProject(["package.json", "a.js"], { "package.json": "{ not json" });
    expect(result).toMatchObject({ language: "javascript", packageManager: "npm", testDir: "test" });
    expect(result.testCommand).toBeUndefined();
  });

  it("puts new tests where most existing tests are", () => {
    const files = ["tests/unit/test_a.py", "tests/unit/test_b.py", "other/test_c.py", "a.py"];
    expect(detectProject(files, {}).testDir).toBe("tests");
  });
});
