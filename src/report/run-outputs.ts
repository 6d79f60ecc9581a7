import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunResult } from "../core/run-result.js";
import { renderPullRequestBody } from "../loop/pr-body.js";

/** Paths of the files a run leaves in its output folder. */
export interface RunOutputs {
  runJson: string;
  prMarkdown: string;
  traceJsonl: string;
}

/** Where a run's files go inside `outDir` (the trace is written while the run goes, by the trace sink). */
export function runOutputPaths(outDir: string): RunOutputs {
  return {
    runJson: join(outDir, "run.json"),
    prMarkdown: join(outDir, "pr.md"),
    traceJsonl: join(outDir, "trace.jsonl"),
  };
}

/**
 * The one writer of a run's report files, used by `tanuki fix` and the Action. Write `run.json` (the RunResult) and `pr.md` (title + body of the pull request Tanuki would open; when there is
 * no result worth a PR, the same report — tests, findings, root causes, usage — headed by why there is none). Creates `outDir` when missing.
 */
export async function writeRunOutputs(outDir: string, result: RunResult): Promise<RunOutputs> {
  const paths = runOutputPaths(outDir);
  await mkdir(outDir, { recursive: true });
  await writeFile(paths.runJson, `${JSON.stringify(result, null, 2)}\n`);
  const pr = result.pullRequest;
  const markdown = pr
    ? `# ${pr.title}\n\n${pr.draft ? "> Opened as a draft: the tests do not all pass or a blocking finding is open.\n\n" : ""}${pr.body}\n`
    : `# No pull request\n\n${renderPullRequestBody(result)}\n`;
  await writeFile(paths.prMarkdown, markdown);
  return paths;
}
