import { quote } from "shell-quote";
import type { JUnitFlavor } from "../testing/junit-xml.js";
import type { EvalInstance } from "./instance.js";
import { filesAfterPatch } from "./patch-files.js";
import type { ResultFormat } from "./test-cases.js";

/** Folder inside the scoring container where runners write their result files (`$TANUKI_RESULTS`). */
export const RESULTS_DIR = "/tmp/tanuki-results";

/** How the scoring run runs a task's tests and where their per-test results come from. */
export interface TestPlan {
  /** Shell command run in the repository's root inside the container. */
  command: string;
  format: ResultFormat;
  /** How the runner names JUnit test cases (`generic` when unknown). */
  flavor?: JUnitFlavor;
  /** Result file the runner writes (under {@link RESULTS_DIR}); absent = the results are the command's output. */
  resultFile?: string;
}

const EXTENSIONS: Record<string, string> = {
  py: "python",
  js: "javascript",
  mjs: "javascript",
  cjs: "javascript",
  jsx: "javascript",
  ts: "typescript",
  tsx: "typescript",
  mts: "typescript",
  go: "go",
  rs: "rust",
  java: "java",
};

/** The task's language: its `language` field, else the commonest language of its test patch's (or patch's) files. */
export function instanceLanguage(instance: EvalInstance): string {
  if (instance.language) return instance.language.toLowerCase();
  const files = [...filesAfterPatch(instance.test_patch), ...filesAfterPatch(instance.patch)];
  const counts = new Map<string, number>();
  for (const file of files) {
    const language = EXTENSIONS[file.split(".").pop()?.toLowerCase() ?? ""];
    if (language) counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "unknown";
}

/** One shell word, quoted for `sh` (shell-quote). */
export function shellQuote(word: string): string {
  return quote([word]);
}

/**
 * The test command for a task: its `test_cmd` (results in JUnit XML at `$TANUKI_RESULTS/junit.xml`, unless
 * `test_format` names another format), else a runner chosen by language, run on the files of the test patch
 * (as SWE-bench runs the test files it changes):
 * pytest with `--junitxml`; vitest / mocha / jest (by the repository's devDependencies) or node's own test
 * runner with a JUnit reporter; `go test -json` on the test files' packages; `cargo test` (libtest lines).
 *
 * @param packageJson  the repository's package.json at the base commit, parsed, when it has one
 */
export function planTests(instance: EvalInstance, packageJson?: Record<string, unknown>): TestPlan {
  const junit = `${RESULTS_DIR}/junit.xml`;
  if (instance.test_cmd) {
    const format: ResultFormat = instance.test_format ?? "junit";
    return { command: instance.test_cmd, format, ...(format === "junit" ? { resultFile: junit } : {}) };
  }
  const files = testFiles(instance);
  const quoted = files.map(shellQuote).join(" ");
  const language = instanceLanguage(instance);
  switch (language) {
    case "javascript":
    case "typescript":
      return planJavaScript(quoted, junit, packageJson);
    case "go": {
      const packages = [...new Set(files.map((f) => `./${f.includes("/") ? f.slice(0, f.lastIndexOf("/")) : "."}`))];
      return { command: `go test -json ${packages.map(shellQuote).join(" ") || "./..."}`, format: "go-json" };
    }
    case "rust":
      return { command: "cargo test --no-fail-fast", format: "libtest" };
    default:
      // Python, and the runner to try when the language is unknown (SWE-bench's own default).
      return {
        command: `python3 -m pytest -rA -p no:cacheprovider --junitxml=${junit} ${quoted}`.trim(),
        format: "junit",
        flavor: "pytest",
        resultFile: junit,
      };
  }
}

/**
 * Files the default command runs: those the test patch adds or changes, plus the files named by listed tests
 * that carry one (`path/test_x.py::test_y`), so a PASS_TO_PASS test in another file runs too.
 */
export function testFiles(instance: EvalInstance): string[] {
  const named = [...instance.FAIL_TO_PASS, ...instance.PASS_TO_PASS].flatMap((name) => {
    const file = name.split("::")[0] ?? "";
    return name.includes("::") && /^[\w./-]+\.\w+$/.test(file) && !file.split("/").includes("..") ? [file] : [];
  });
  return [...new Set([...filesAfterPatch(instance.test_patch), ...named])];
}

function planJavaScript(quoted: string, junit: string, packageJson?: Record<string, unknown>): TestPlan {
  const deps = { ...asRecord(packageJson?.dependencies), ...asRecord(packageJson?.devDependencies) };
  if ("vitest" in deps) {
    return {
      command: `npx vitest run --reporter=junit --outputFile=${junit} ${quoted}`,
      format: "junit",
      flavor: "vitest",
      resultFile: junit,
    };
  }
  if ("mocha" in deps) {
    return {
      command: `npx mocha --reporter xunit --reporter-options output=${junit} ${quoted}`,
      format: "junit",
      flavor: "mocha",
      resultFile: junit,
    };
  }
  if ("jest" in deps) {
    const json = `${RESULTS_DIR}/jest.json`;
    return { command: `npx jest --ci --json --outputFile=${json} ${quoted}`, format: "jest-json", resultFile: json };
  }
  return {
    command: `node --test --test-reporter=junit --test-reporter-destination=${junit} ${quoted}`,
    format: "junit",
    flavor: "node",
    resultFile: junit,
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}
