import type { TestCaseResult } from "../core/test-report.js";
import { parseGoTestJson } from "./go-test-json.js";
import { parseJestJson } from "./jest-json.js";
import { parseJUnitXml } from "./junit-xml.js";
import { parseLibtestText } from "./libtest-text.js";
import type { ReportingCommand } from "./reporting-command.js";
import { parseUnittestVerbose } from "./unittest-text.js";

/** What a reporting run printed, split into what people read and what the runner reported. */
export interface ReadReport {
  /** The test output as people read it (report files removed; `go test -json` turned back into text). */
  output: string;
  /** Per-test outcomes; undefined when no report could be read (runner never started, report cut or malformed). */
  cases?: TestCaseResult[];
}

/** Splits stdout at the last marker line: before it the tests' own output, after it the report files. */
function splitAtMarker(stdout: string, marker: string): { before: string; files: string[] } | undefined {
  const at = stdout.lastIndexOf(`\n${marker}\n`);
  if (at < 0) return undefined;
  const files = stdout
    .slice(at + marker.length + 2)
    .split(`${marker} file `)
    .slice(1)
    .map((part) => part.slice(part.indexOf("\n") + 1));
  return { before: stdout.slice(0, at), files };
}

function join(stdout: string, stderr: string): string {
  return [stdout, stderr].filter((part) => part.length > 0).join("\n");
}

function parseFiles(files: string[], parse: (text: string) => TestCaseResult[]): TestCaseResult[] | undefined {
  try {
    return files.flatMap(parse);
  } catch {
    return undefined;
  }
}

/**
 * Reads the result of a command made by `reportingCommand`: removes the report section from stdout and parses the
 * per-test outcomes in the runner's format. A report that is missing (the runner never ran), cut (output cap) or
 * malformed gives `cases: undefined`, never an exception.
 *
 * @param workDir  the work copy's path inside the sandbox (jest reports absolute file paths)
 */
export function readReport(reporting: ReportingCommand, stdout: string, stderr: string, workDir: string): ReadReport {
  const split = splitAtMarker(stdout, reporting.marker);
  const testStdout = split?.before ?? stdout;
  const format = reporting.format;
  switch (format.kind) {
    case "go-json": {
      const run = parseGoTestJson(testStdout);
      return { output: join(run.text, stderr), ...(run.cases.length > 0 || split ? { cases: run.cases } : {}) };
    }
    case "libtest":
    case "unittest": {
      const output = join(testStdout, stderr);
      const cases = format.kind === "libtest" ? parseLibtestText(output) : parseUnittestVerbose(output);
      return { output, ...(split ? { cases } : {}) };
    }
    case "junit":
    case "jest-json": {
      const output = join(testStdout, stderr);
      if (!split || split.files.length === 0) return { output };
      const cases = parseFiles(split.files, (text) =>
        format.kind === "junit" ? parseJUnitXml(text, format.flavor) : parseJestJson(text, workDir),
      );
      return { output, ...(cases ? { cases } : {}) };
    }
  }
}
