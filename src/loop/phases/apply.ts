import type { ApplyReport, Edit } from "../../core/edit.js";
import type { RunContext } from "../run-context.js";
import { type RunState, requireWorkspace } from "../run-state.js";

/** Messages for the edits of a report that did not apply (for the repair round, the RCA and the attempt record). */
export function editProblems(report: ApplyReport): string[] {
  return report.outcomes.flatMap((outcome) =>
    outcome.status === "applied" ? [] : [`${outcome.edit.path}: ${outcome.status}: ${outcome.message}`],
  );
}

/** Applies edits to the work copy under the configured path policy; traced as an `edit` tool call. */
export async function applyEdits(ctx: RunContext, state: RunState, edits: Edit[], agent: string): Promise<ApplyReport> {
  const workspace = requireWorkspace(state);
  if (edits.length === 0) return { outcomes: [], changedPaths: [] };
  const report = await ctx.tool(
    "edit",
    { agent, edits: edits.map((edit) => ({ kind: edit.kind, path: edit.path })) },
    () => workspace.applyEdits(edits, ctx.config.paths),
    (done) => ({
      output: {
        outcomes: done.outcomes.map((o) => ({
          path: o.edit.path,
          status: o.status,
          ...(o.status === "applied" ? { match: o.match } : { message: o.message }),
        })),
        changedPaths: done.changedPaths,
      },
    }),
  );
  const problems = editProblems(report);
  ctx.world.addNote(
    `${agent}: ${report.outcomes.length - problems.length} of ${report.outcomes.length} edits applied` +
      (problems.length > 0 ? `; problems: ${problems.join(" | ").slice(0, 600)}` : ""),
  );
  return report;
}
