import { type RecognisedRunner, type ReportFormat, recogniseRunner, type TestRunner } from "./test-runner.js";

/** A test command rewritten to leave a machine-readable report (see {@link reportingCommand}). */
export interface ReportingCommand {
  /** The shell command to run in the sandbox instead of the original. */
  command: string;
  runner: TestRunner;
  format: ReportFormat;
  /** The line printed after the tests, before the report files (unique per run). */
  marker: string;
}

/** Folder inside the sandbox where the runner writes its report (the sandbox's private /tmp, not the work copy). */
function reportDir(nonce: string): string {
  return `/tmp/tanuki-report-${nonce}`;
}

/** Quotes a word for `sh` (single quotes; the nonce and paths Tanuki makes never contain one). */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The flags (or rewrite) that make `runner` write its report into `dir`. */
function rewrite(command: string, recognised: RecognisedRunner, dir: string): { command: string; files: string[] } {
  const append = (flags: string) => {
    if (!recognised.viaNpm) return `${command} ${flags}`;
    return /(^|\s)--(\s|$)/.test(command) ? `${command} ${flags}` : `${command} -- ${flags}`;
  };
  switch (recognised.runner) {
    case "pytest":
      return { command: append(`--junitxml=${dir}/report.xml -o junit_family=xunit1`), files: [`${dir}/report.xml`] };
    case "unittest":
      return { command: append("-v"), files: [] };
    case "go":
      return { command: command.replace(/(^|\s)go\s+test(?=\s|$)/, "$1go test -json"), files: [] };
    case "cargo":
      return { command, files: [] };
    case "maven":
      return { command, files: [] };
    case "jest":
      return { command: append(`--json --outputFile=${dir}/report.json`), files: [`${dir}/report.json`] };
    case "vitest":
      return {
        command: append(`--reporter=default --reporter=junit --outputFile.junit=${dir}/report.xml`),
        files: [`${dir}/report.xml`],
      };
    case "mocha":
      return {
        command: append(`--reporter=xunit --reporter-options=output=${dir}/report.xml`),
        files: [`${dir}/report.xml`],
      };
    case "node":
      return {
        command: command.replace(
          /(^|\s)--test(?=\s|$)/,
          `$1--test --test-reporter=spec --test-reporter-destination=stdout --test-reporter=junit --test-reporter-destination=${dir}/report.xml`,
        ),
        files: [`${dir}/report.xml`],
      };
  }
}

function formatOf(runner: TestRunner): ReportFormat {
  switch (runner) {
    case "pytest":
      return { kind: "junit", flavor: "pytest" };
    case "unittest":
      return { kind: "unittest" };
    case "go":
      return { kind: "go-json" };
    case "cargo":
      return { kind: "libtest" };
    case "maven":
      return { kind: "junit", flavor: "generic" };
    case "jest":
      return { kind: "jest-json" };
    case "vitest":
      return { kind: "junit", flavor: "vitest" };
    case "mocha":
      return { kind: "junit", flavor: "mocha" };
    case "node":
      return { kind: "junit", flavor: "node" };
  }
}

/** Node's junit reporter exists from 20.13 on (and in 21+); older Node gets the original command. */
const NODE_HAS_JUNIT = `node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=13)?0:1)'`;

/**
 * Rewrites a test command so the runner leaves per-test results: pytest `--junitxml` (xunit1, so node ids can be
 * rebuilt), unittest `-v`, `go test -json`, jest `--json --outputFile`, vitest and mocha JUnit reporters,
 * node:test's junit reporter (where the sandbox's Node has it), Maven Surefire's own `TEST-*.xml` files; `cargo
 * test` already prints one line per test. Report files go to a fresh folder in the sandbox's `/tmp` and are printed
 * after the tests, each after a line starting with `marker`, so nothing is written into the work copy (Surefire's
 * stale reports under `target/` are removed first). The command keeps the original's exit status.
 *
 * Only commands whose runner {@link recogniseRunner} knows are rewritten; anything else is run as the user wrote it.
 *
 * @param nonce  unique per run (letters and digits), so test output cannot fake the marker by chance
 * @param npmTestScript  the base commit's `scripts.test`, for `npm test`
 * @returns the rewritten command, or undefined when the runner is unknown
 */
export function reportingCommand(
  command: string,
  options: { nonce: string; npmTestScript?: string },
): ReportingCommand | undefined {
  if (!/^[A-Za-z0-9]+$/.test(options.nonce)) throw new Error("the report nonce must be letters and digits");
  const recognised = recogniseRunner(command, options.npmTestScript);
  if (!recognised) return undefined;
  const dir = reportDir(options.nonce);
  const marker = `@@tanuki-test-report-${options.nonce}@@`;
  const rewritten = rewrite(command, recognised, dir);
  const run =
    recognised.runner === "node"
      ? `if ${NODE_HAS_JUNIT}; then ${rewritten.command}; else ${command}; fi`
      : rewritten.command;
  const files =
    recognised.runner === "maven"
      ? `$(find . -path '*/target/surefire-reports/TEST-*.xml' -type f 2>/dev/null)`
      : rewritten.files.map(shellWord).join(" ");
  const lines = [
    `mkdir -p ${shellWord(dir)}`,
    ...(recognised.runner === "maven"
      ? [`find . -path '*/target/surefire-reports' -type d -prune -exec rm -rf {} + 2>/dev/null`]
      : []),
    run,
    "tanuki_status=$?",
    `printf '\\n%s\\n' ${shellWord(marker)}`,
    ...(files
      ? [
          `for f in ${files}; do if [ -f "$f" ]; then printf '%s %s\\n' ${shellWord(`${marker} file`)} "$f"; cat "$f"; printf '\\n'; fi; done`,
        ]
      : []),
    `rm -rf ${shellWord(dir)}`,
    'exit "$tanuki_status"',
  ];
  return { command: lines.join("\n"), runner: recognised.runner, format: formatOf(recognised.runner), marker };
}
