import { dirname } from "node:path";
import { GitError } from "../core/errors.js";
import { runGit } from "../workspace/run-git.js";

/** Result of {@link applyPatch}: whether it applied, and git's complaint when it did not. */
export interface ApplyResult {
  applied: boolean;
  message?: string;
}

/**
 * Applies a unified diff to the work tree `dir` (a work copy no sandbox has touched yet) with `git apply` as a
 * plain patch tool: exact first, then ignoring whitespace with one line of context (SWE-bench's harness falls back
 * to a fuzzy `patch` in the same spirit). git refuses paths outside the tree, under `.git`, and beyond a symbolic
 * link, so a hostile patch cannot write elsewhere. Repository discovery stops at `dir` (the tree has no `.git`
 * of its own, and one above it must not be used). An empty patch applies trivially.
 */
export async function applyPatch(dir: string, patch: string): Promise<ApplyResult> {
  if (patch.trim() === "") return { applied: true };
  const input = patch.endsWith("\n") ? patch : `${patch}\n`;
  let last: unknown;
  for (const options of [[], ["--ignore-whitespace", "-C1"]]) {
    try {
      await runGit({ repo: dir }, ["apply", "--whitespace=nowarn", ...options, "-"], {
        input,
        env: { GIT_CEILING_DIRECTORIES: dirname(dir) },
      });
      return { applied: true };
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      last = error;
    }
  }
  return { applied: false, message: (last as Error).message };
}
