import { z } from "zod";
import type { TestCaseResult } from "../core/test-report.js";

/** One event of `go test -json` (`go doc test2json`). */
const GoTestEvent = z.object({
  Action: z.string(),
  Package: z.string().optional(),
  Test: z.string().optional(),
  Output: z.string().optional(),
});

/** What `go test -json` printed: the cases and the human-readable text of its `output` events. */
export interface GoTestRun {
  cases: TestCaseResult[];
  /** The text `go test` would have printed without `-json` (joined `Output` fields). */
  text: string;
}

/**
 * Parses `go test -json` output (one JSON event per line; other lines, e.g. build errors, are kept as text). Test ids
 * are `<import path>/<TestName>` (subtests keep their `/sub` suffix). A package that failed without any test result
 * (build or setup failure) becomes one `error` case whose id is the import path.
 */
export function parseGoTestJson(output: string): GoTestRun {
  const results = new Map<string, TestCaseResult>();
  const failedPackages = new Set<string>();
  const packagesWithTests = new Set<string>();
  const text: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    // Only a line that could be one JSON object is parsed: a failed parse costs far more than the test (an exception).
    if (!line.startsWith("{") || !line.trimEnd().endsWith("}")) {
      if (line.trim()) text.push(`${line}\n`);
      continue;
    }
    let event: z.infer<typeof GoTestEvent>;
    try {
      const parsed = GoTestEvent.safeParse(JSON.parse(line));
      if (!parsed.success) continue;
      event = parsed.data;
    } catch {
      text.push(`${line}\n`);
      continue;
    }
    if (event.Output !== undefined) text.push(event.Output);
    const pkg = event.Package ?? "";
    if (!event.Test) {
      if (event.Action === "fail") failedPackages.add(pkg);
      continue;
    }
    const status =
      event.Action === "pass"
        ? "passed"
        : event.Action === "fail"
          ? "failed"
          : event.Action === "skip"
            ? "skipped"
            : undefined;
    if (!status) continue;
    packagesWithTests.add(pkg);
    const id = pkg ? `${pkg}/${event.Test}` : event.Test;
    results.set(id, { id, name: event.Test, status });
  }
  for (const pkg of failedPackages) {
    if (!packagesWithTests.has(pkg)) results.set(pkg, { id: pkg, name: pkg, status: "error" });
  }
  return { cases: [...results.values()], text: text.join("") };
}
