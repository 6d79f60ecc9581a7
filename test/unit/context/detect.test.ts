import { describe, expect, it } from "vitest";
import { detectLanguage, detectProject } from "../../../src/context/detect.js";

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

  describe("common layouts", () => {
    const detect = (files: string[], configs: Record<string, string> = {}) => detectProject(files, configs);

    it("a root test.py with unittest (no pytest configuration) runs with unittest discovery", () => {
      const found = detect(["calc.py", "test.py", "README.md"]);
      expect(found.testFiles).toEqual(["test.py"]);
      expect(found.testCommand).toBe('python3 -m unittest discover -p "test*.py"');
    });

    it("a root tests.py next to pytest configuration runs with pytest", () => {
      expect(detect(["calc.py", "tests.py", "pytest.ini"]).testCommand).toBe(
        "python3 -m pytest -q -p no:cacheprovider",
      );
    });

    it("Go modules: go test ./...", () => {
      const found = detect(["go.mod", "main.go", "parse/parse.go", "parse/parse_test.go"]);
      expect(found).toMatchObject({ language: "go", packageManager: "go", testCommand: "go test ./..." });
      expect(found.testFiles).toEqual(["parse/parse_test.go"]);
    });

    it("Cargo: cargo test", () => {
      expect(detect(["Cargo.toml", "src/lib.rs", "tests/parse.rs"])).toMatchObject({
        language: "rust",
        packageManager: "cargo",
        testCommand: "cargo test",
        testDir: "tests",
      });
    });

    it("Maven: mvn -q test; Gradle: the wrapper when the repository has one", () => {
      const java = ["src/main/java/a/App.java", "src/test/java/a/AppTest.java"];
      expect(detect(["pom.xml", ...java])).toMatchObject({ packageManager: "maven", testCommand: "mvn -q test" });
      expect(detect(["build.gradle", ...java])).toMatchObject({ packageManager: "gradle", testCommand: "gradle test" });
      expect(detect(["build.gradle.kts", "gradlew", ...java]).testCommand).toBe("./gradlew test");
    });

    it("an npm test script wins in a JavaScript repository", () => {
      const pkg = JSON.stringify({ scripts: { test: "mocha" } });
      expect(detect(["package.json", "lib/a.js", "test/a.js"], { "package.json": pkg }).testCommand).toBe(
        "npm test --silent",
      );
    });
  });
});
