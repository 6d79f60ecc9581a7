import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import type { RunConfig } from "../config/run-config.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import type { LoopDeps } from "../loop/loop-deps.js";
import { runFix } from "../loop/run-fix.js";
import type { EvalInstance } from "./instance.js";
import { privateClone } from "./repo-source.js";

/** Loop dependencies for one task, with its own trace file; `closeTrace` flushes it. */
export type LoopDepsFactory = (job: { tracePath: string }) => { deps: LoopDeps; closeTrace(): Promise<void> };

/** What Tanuki produced for a task: its run and the patch it proposes (empty when it changed nothing). */
export interface Solution {
  result: RunResult;
  patch: string;
}

/** Cap on an issue title taken from a problem statement, characters. */
const TITLE_CHARS = 200;

/**
 * The task a user would give Tanuki for this instance: the problem statement as the issue, the repository at
 * `base_commit`. Nothing else of the instance (gold patch, test patch, test lists, hints) goes in.
 */
export function taskFor(instance: EvalInstance, repoPath: string): Task {
  const statement = instance.problem_statement.trim();
  const firstLine = statement.split("\n").find((line) => line.trim() !== "") ?? instance.instance_id;
  const title = firstLine
    .trim()
    .replace(/^#+\s*/, "")
    .slice(0, TITLE_CHARS);
  return {
    id: `eval-${instance.instance_id}`,
    kind: "fix",
    repoPath,
    // Environments are cached per repository: a task's clone is a fresh path each time, its name is not.
    repository: instance.repo,
    baseSha: instance.base_commit,
    issue: { title, body: statement },
  };
}

/**
 * Runs Tanuki's whole loop on one task, on a private clone of `repoPath` (the result branch lands there and is
 * thrown away with it), and returns the run and the best attempt's diff as the model patch.
 */
export async function solveInstance(
  instance: EvalInstance,
  options: { repoPath: string; config: RunConfig; tracePath: string; scratchRoot: string; signal?: AbortSignal },
  loopDeps: LoopDepsFactory,
): Promise<Solution> {
  await mkdir(options.scratchRoot, { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(join(options.scratchRoot, "tanuki-eval-repo-"));
  const { deps, closeTrace } = loopDeps({ tracePath: options.tracePath });
  try {
    const repo = await privateClone(options.repoPath, scratch);
    const result = await runFix(taskFor(instance, repo), options.config, deps, options.signal);
    const best = result.attempts.find((attempt) => attempt.attempt === result.bestAttempt);
    return { result, patch: best?.diff ?? "" };
  } finally {
    await closeTrace();
    await rm(scratch, { recursive: true, force: true });
  }
}
