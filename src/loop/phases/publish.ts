import { branchNameFor } from "../../core/branch-names.js";
import type { RunContext } from "../run-context.js";
import { bestRecord, type RunState, requireWorkspace } from "../run-state.js";

/**
 * Publish: creates the result branch in the user's repository from the best snapshot (never the default branch;
 * the workspace refuses names outside `tanuki/`). Nothing is published when the best attempt changed nothing.
 *
 * @returns the branch and its head commit, or undefined when there was nothing to publish
 * @throws GitError when the branch exists and points elsewhere, or git fails
 */
export async function publishPhase(
  ctx: RunContext,
  state: RunState,
  title: string,
): Promise<{ branch: string; headSha: string } | undefined> {
  const best = bestRecord(state);
  if (!best?.result.snapshot || !best.result.diff.trim()) return undefined;
  const workspace = requireWorkspace(state);
  const branch = branchNameFor(ctx.task);
  const number = ctx.task.issue.number;
  const message = number !== undefined ? `${title}\n\nFixes #${number}` : title;
  const snapshot = best.result.snapshot;
  return ctx.tool(
    "git",
    { op: "publish", branch, snapshot },
    () => workspace.publishBranch(snapshot, branch, message),
    (published) => ({ output: published }),
  );
}
