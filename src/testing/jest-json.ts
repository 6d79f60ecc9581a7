import { posix } from "node:path";
import { z } from "zod";
import type { TestCaseResult, TestStatus } from "../core/test-report.js";

/** The parts of jest's `--json` result that per-test outcomes need. */
const JestJson = z.object({
  testResults: z.array(
    z.object({
      name: z.string(),
      status: z.string().optional(),
      message: z.string().optional(),
      assertionResults: z
        .array(
          z.object({
            ancestorTitles: z.array(z.string()).default([]),
            title: z.string(),
            status: z.string(),
          }),
        )
        .default([]),
    }),
  ),
});

function statusOf(status: string): TestStatus {
  if (status === "passed") return "passed";
  if (status === "failed") return "failed";
  return "skipped"; // pending, skipped, todo, disabled
}

/**
 * Parses jest's `--json` result. Ids are `<file>::<describe> > … > <test>` with the file relative to `rootDir`
 * (jest reports absolute paths). A test file that failed to run (syntax error, missing module) has no assertion
 * results: it becomes one `error` case whose id is the file.
 *
 * @param rootDir  absolute path the tests ran in (the sandbox's work folder)
 * @throws Error when the text is not jest's JSON result
 */
export function parseJestJson(json: string, rootDir: string): TestCaseResult[] {
  const result = JestJson.parse(JSON.parse(json));
  const cases: TestCaseResult[] = [];
  for (const file of result.testResults) {
    const relative = file.name.startsWith(`${rootDir}/`) ? posix.relative(rootDir, file.name) : file.name;
    if (file.assertionResults.length === 0 && file.status === "failed") {
      cases.push({ id: relative, file: relative, name: relative, status: "error" });
      continue;
    }
    for (const assertion of file.assertionResults) {
      const title = [...assertion.ancestorTitles, assertion.title].join(" > ");
      cases.push({
        id: `${relative}::${title}`,
        file: relative,
        name: assertion.title,
        status: statusOf(assertion.status),
      });
    }
  }
  return cases;
}
