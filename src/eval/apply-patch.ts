import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitError } from "../core/errors.js";
import { runGit } from "../workspace/run-git.js";

/** Result of {@link applyPatch}: whether it applied, and git's complaint when it did not. */
export interface ApplyResult {
  applied: boolean;
  message?: string;
}

/**
 * Applies a unified diff to the work tree in `dir` with `git apply` (exact first, then ignoring whitespace with one
 * line of context, SWE-bench's harness falls back to a fuzzy `patch` in the same spirit). git refuses paths
 * outside the tree, under `.git`, and beyond a symbolic link, so a hostile patch cannot write elsewhere. The patch
 * text is passed through a private temporary file outside the tree. An empty patch applies trivially.
 */
export async function applyPatch(dir: string, patch: string): Promise<ApplyResult> {
  if (patch.trim() === "") return { applied: true };
  const scratch = await mkdtemp(join(tmpdir(), "tanuki-eval-patch-"));
  const file = join(scratch, "change.diff");
  try {
    await writeFile(file, patch.endsWith("\n") ? patch : `${patch}\n`, { mode: 0o600 });
    let last: unknown;
    for (const options of [[], ["--ignore-whitespace", "-C1"]]) {
      try {
        await runGit(dir, ["apply", "--whitespace=nowarn", ...options, "--", file]);
        return { applied: true };
      } catch (error) {
        if (!(error instanceof GitError)) throw error;
        last = error;
      }
    }
    return { applied: false, message: (last as Error).message.replace(file, "<patch>") };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
