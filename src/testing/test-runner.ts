import { parse } from "shell-quote";
import type { JUnitFlavor } from "./junit-xml.js";

/** Test runners whose per-test results Tanuki can read. */
export type TestRunner = "pytest" | "unittest" | "go" | "cargo" | "maven" | "jest" | "vitest" | "mocha" | "node";

/** How a runner's per-test results come back (see {@link reportingCommand}). */
export type ReportFormat =
  | { kind: "junit"; flavor: JUnitFlavor }
  | { kind: "jest-json" }
  | { kind: "go-json" }
  | { kind: "libtest" }
  | { kind: "unittest" };

/** A recognised test command. */
export interface RecognisedRunner {
  runner: TestRunner;
  /** The command runs through `npm test` / `npm run test` (flags go after `--`). */
  viaNpm: boolean;
}

const PYTHON = /^python(\d+(\.\d+)*)?$/;
const NPM_TEST = [["test"], ["t"], ["run", "test"], ["run-script", "test"]];

/** The words of a simple command (no operators, globs, comments or substitutions), or undefined. */
export function simpleWords(command: string): string[] | undefined {
  if (/[`$\n\\]/.test(command)) return undefined;
  const tokens = parse(command);
  if (!tokens.every((token): token is string => typeof token === "string")) return undefined;
  let start = 0;
  while (start < tokens.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(tokens[start] ?? "")) start += 1;
  const words = tokens.slice(start);
  return words.length > 0 ? words : undefined;
}

function runnerOfWords(words: string[]): TestRunner | undefined {
  const [first = "", second = "", third = ""] = words;
  const program = first.split("/").at(-1) ?? first;
  if (program === "npx") return runnerOfWords(words.slice(1).filter((word) => !word.startsWith("-")));
  if (PYTHON.test(program) && second === "-m") {
    if (third === "pytest") return "pytest";
    if (third === "unittest") return "unittest";
    return undefined;
  }
  if (program === "pytest" || program === "py.test") return "pytest";
  if (program === "go" && second === "test") return "go";
  if (program === "cargo" && second === "test") return "cargo";
  if ((program === "mvn" || program === "mvnw") && words.some((w) => /^(test|verify|install|package)$/.test(w))) {
    return "maven";
  }
  if (program === "jest") return "jest";
  if (program === "vitest" && (second === "" || second === "run" || second.startsWith("-"))) return "vitest";
  if (program === "mocha") return "mocha";
  if (program === "node" && words.includes("--test")) return "node";
  return undefined;
}

/**
 * Recognises the test runner behind a command: pytest (also `python -m pytest`), unittest (`python -m unittest`),
 * `go test`, `cargo test`, Maven (`mvn … test`), jest, vitest, mocha (also through `npx`), `node --test`, and
 * `npm test` / `npm run test` whose `scripts.test` is one of those. Only simple commands are recognised: one
 * program with its arguments (leading `VAR=value` allowed), no `&&`, pipes, globs, variables or comments, so
 * nothing Tanuki adds can change what else the command does.
 *
 * @param npmTestScript  the base commit's `scripts.test` from package.json, for `npm test`
 * @returns the runner, or undefined for anything else (the caller then relies on the summary counts)
 */
export function recogniseRunner(command: string, npmTestScript?: string): RecognisedRunner | undefined {
  const words = simpleWords(command);
  if (!words) return undefined;
  const program = words[0]?.split("/").at(-1);
  if (program === "npm") {
    const args = words.slice(1).filter((word) => word !== "--silent" && word !== "-s");
    const separator = args.indexOf("--");
    const head = separator >= 0 ? args.slice(0, separator) : args;
    if (!NPM_TEST.some((form) => form.length === head.length && form.every((w, i) => w === head[i]))) return undefined;
    if (!npmTestScript) return undefined;
    const scriptWords = simpleWords(npmTestScript);
    const runner = scriptWords ? runnerOfWords(scriptWords) : undefined;
    // node --test takes files after its options: flags appended by npm would be read as file names.
    return runner && runner !== "node" ? { runner, viaNpm: true } : undefined;
  }
  const runner = runnerOfWords(words);
  return runner ? { runner, viaNpm: false } : undefined;
}
