import { posix } from "node:path";
import { isTestFile } from "../testing/test-files.js";
import { languageOfPath } from "./languages.js";
import type { RepoFacts } from "./repo-facts.js";

/** Root files whose content detection reads; the explorer passes their text (when present) to {@link detectProject}. */
export const DETECTION_CONFIG_FILES = ["package.json", "pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini"] as const;

/** Test command for Python projects: quiet, and no `.pytest_cache` written into the work copy. */
export const PYTHON_TEST_COMMAND = "python3 -m pytest -q -p no:cacheprovider";
/** Test command for Node projects with a `test` script. */
export const NPM_TEST_COMMAND = "npm test --silent";
/** Test command for Node projects with test files but no `test` script (Node's built-in runner). */
export const NODE_TEST_COMMAND = "node --test";
/** Test command for Python projects whose tests only unittest finds (a root `test.py`, no pytest configuration). */
export const UNITTEST_COMMAND = 'python3 -m unittest discover -p "test*.py"';
/** Test command for Go modules. */
export const GO_TEST_COMMAND = "go test ./...";
/** Test command for Cargo projects. */
export const CARGO_TEST_COMMAND = "cargo test";
/** Test command for Maven projects. */
export const MAVEN_TEST_COMMAND = "mvn -q test";
/** Test command for Gradle projects without a wrapper (with one: `./gradlew test`). */
export const GRADLE_TEST_COMMAND = "gradle test";

/** What detection found (the build/test half of {@link RepoFacts}). */
export type ProjectDetection = Pick<RepoFacts, "language" | "packageManager" | "testCommand" | "testDir" | "testFiles">;

const TEST_DIR_NAMES = new Set(["test", "tests", "__tests__", "spec", "specs"]);

/** Main language by source file count (`unknown` when there are none); ties go to the alphabetically first. */
export function detectLanguage(files: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const file of files) {
    const language = languageOfPath(file);
    if (language) counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return ranked[0]?.[0] ?? "unknown";
}

type Ecosystem = "python" | "node" | "go" | "rust" | "jvm";

/** Ecosystem of each language that has one; the main language's comes first, then Node and Python. */
const ECOSYSTEM_OF: Record<string, Ecosystem> = {
  python: "python",
  typescript: "node",
  javascript: "node",
  go: "go",
  rust: "rust",
  java: "jvm",
  kotlin: "jvm",
  scala: "jvm",
};

function ecosystemsFor(language: string): Ecosystem[] {
  const main = ECOSYSTEM_OF[language];
  const rest: Ecosystem[] = language === "python" ? ["python", "node"] : ["node", "python"];
  return [...new Set([...(main ? [main] : []), ...rest])];
}

/** Package manager of a Go, Rust or JVM project, from its root build file. */
function compiledPackageManager(ecosystem: "go" | "rust" | "jvm", has: (p: string) => boolean): string | undefined {
  if (ecosystem === "go") return has("go.mod") ? "go" : undefined;
  if (ecosystem === "rust") return has("Cargo.toml") ? "cargo" : undefined;
  if (has("pom.xml")) return "maven";
  return has("build.gradle") || has("build.gradle.kts") ? "gradle" : undefined;
}

/** Test command of a Go, Rust or JVM project (its build file decides; Gradle prefers the repository's wrapper). */
function compiledTestCommand(ecosystem: "go" | "rust" | "jvm", has: (p: string) => boolean): string | undefined {
  switch (compiledPackageManager(ecosystem, has)) {
    case "go":
      return GO_TEST_COMMAND;
    case "cargo":
      return CARGO_TEST_COMMAND;
    case "maven":
      return MAVEN_TEST_COMMAND;
    case "gradle":
      return has("gradlew") ? "./gradlew test" : GRADLE_TEST_COMMAND;
    default:
      return undefined;
  }
}

function parsePackageJson(text: string | undefined): { scripts?: Record<string, unknown>; packageManager?: unknown } {
  if (!text) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

function pythonPackageManager(has: (p: string) => boolean, pyproject: string): string | undefined {
  if (has("poetry.lock") || /^\[tool\.poetry\]/m.test(pyproject)) return "poetry";
  if (has("uv.lock") || /^\[tool\.uv\]/m.test(pyproject)) return "uv";
  if (has("Pipfile") || has("Pipfile.lock")) return "pipenv";
  if (has("pdm.lock") || /^\[tool\.pdm\]/m.test(pyproject)) return "pdm";
  if (has("requirements.txt") || has("setup.py") || has("setup.cfg") || has("pyproject.toml")) return "pip";
  return undefined;
}

function nodePackageManager(has: (p: string) => boolean, packageJson: string | undefined): string | undefined {
  if (has("pnpm-lock.yaml")) return "pnpm";
  if (has("yarn.lock")) return "yarn";
  if (has("bun.lockb") || has("bun.lock")) return "bun";
  if (has("package-lock.json") || has("npm-shrinkwrap.json")) return "npm";
  const declared = parsePackageJson(packageJson).packageManager;
  if (typeof declared === "string") return declared.split("@")[0] || undefined;
  return has("package.json") ? "npm" : undefined;
}

/** True when the project configures pytest (config section, `pytest.ini`, `conftest.py`, or a pytest requirement). */
function hasPytestConfig(files: readonly string[], configs: Readonly<Record<string, string>>): boolean {
  if (files.some((f) => f === "pytest.ini" || posix.basename(f) === "conftest.py")) return true;
  if (/^\[tool\.pytest\.ini_options\]/m.test(configs["pyproject.toml"] ?? "")) return true;
  if (/^\[tool:pytest\]/m.test(configs["setup.cfg"] ?? "")) return true;
  return /^\[pytest\]/m.test(configs["tox.ini"] ?? "");
}

/** A `test` script that does something (not npm's `echo "Error: no test specified" && exit 1` placeholder). */
function npmTestScript(packageJson: string | undefined): string | undefined {
  const script = parsePackageJson(packageJson).scripts?.test;
  if (typeof script !== "string" || script.trim() === "" || /no test specified/.test(script)) return undefined;
  return script;
}

function testCommandFor(
  ecosystem: "python" | "node",
  files: readonly string[],
  testFiles: readonly string[],
  configs: Readonly<Record<string, string>>,
): string | undefined {
  if (ecosystem === "python") {
    const pythonTests = testFiles.filter((f) => f.endsWith(".py"));
    if (hasPytestConfig(files, configs)) return PYTHON_TEST_COMMAND;
    if (pythonTests.length === 0) return undefined;
    // pytest runs unittest tests too, but only collects test_*.py / *_test.py; a root test.py needs unittest.
    const pytestFinds = pythonTests.some((f) => /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(f));
    return pytestFinds ? PYTHON_TEST_COMMAND : UNITTEST_COMMAND;
  }
  if (npmTestScript(configs["package.json"])) return NPM_TEST_COMMAND;
  // `node --test` runs JavaScript only (Node 20 cannot load .ts test files by itself).
  return testFiles.some((f) => /\.[cm]?js$/.test(f)) ? NODE_TEST_COMMAND : undefined;
}

/**
 * The folder where new tests belong: the most common test folder among existing test files (the path up to a
 * `tests/`-like segment, else the file's folder; ties go to the shortest), else `tests` for Python and `test` for
 * JavaScript/TypeScript, else undefined.
 */
function detectTestDir(testFiles: readonly string[], language: string): string | undefined {
  const counts = new Map<string, number>();
  for (const file of testFiles) {
    const segments = file.split("/").slice(0, -1);
    const at = segments.findIndex((s) => TEST_DIR_NAMES.has(s));
    const dir = at >= 0 ? segments.slice(0, at + 1).join("/") : segments.join("/") || ".";
    counts.set(dir, (counts.get(dir) ?? 0) + 1);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || a[0].localeCompare(b[0]));
  if (ranked[0]) return ranked[0][0];
  if (language === "python") return "tests";
  if (language === "typescript" || language === "javascript") return "test";
  if (language === "rust") return "tests";
  if (language === "java" || language === "kotlin") return "src/test";
  return undefined;
}

/**
 * Detects language, package manager, test command, test folder and test files from the file list and the text of
 * the root config files named in {@link DETECTION_CONFIG_FILES}. Pure: no I/O. The main language's ecosystem is
 * asked first (a Python project with a `package.json` for its docs still tests with pytest), then Node and Python.
 * Test commands: pytest (configured, or `test_*.py` / `*_test.py` files), unittest discovery (only `test.py`-style
 * files), `npm test` (a real `test` script), `node --test`, `go test ./...` (go.mod), `cargo test` (Cargo.toml),
 * `mvn -q test` (pom.xml), `./gradlew test` or `gradle test` (build.gradle).
 *
 * @param files  repository-relative paths
 * @param configs  text of root config files by name (absent = missing)
 */
export function detectProject(files: readonly string[], configs: Readonly<Record<string, string>>): ProjectDetection {
  const rootFiles = new Set(files.filter((f) => !f.includes("/")));
  const has = (p: string) => rootFiles.has(p);
  const language = detectLanguage(files);
  // Test sources only: fixture data under a test folder is a test file (isTestFile) but not one to list or run.
  const testFiles = files.filter((file) => isTestFile(file) && languageOfPath(file) !== undefined);
  let packageManager: string | undefined;
  let testCommand: string | undefined;
  for (const ecosystem of ecosystemsFor(language)) {
    if (ecosystem === "go" || ecosystem === "rust" || ecosystem === "jvm") {
      packageManager ??= compiledPackageManager(ecosystem, has);
      testCommand ??= compiledTestCommand(ecosystem, has);
      continue;
    }
    packageManager ??=
      ecosystem === "python"
        ? pythonPackageManager(has, configs["pyproject.toml"] ?? "")
        : nodePackageManager(has, configs["package.json"]);
    testCommand ??= testCommandFor(ecosystem, files, testFiles, configs);
  }
  const testDir = detectTestDir(testFiles, language);
  return {
    language,
    ...(packageManager ? { packageManager } : {}),
    ...(testCommand ? { testCommand } : {}),
    ...(testDir ? { testDir } : {}),
    testFiles,
  };
}
