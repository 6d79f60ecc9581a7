import type { Task } from "../../core/task.js";
import { sanitizeIssue } from "../../intake/sanitize.js";
import type { RunContext } from "../run-context.js";

/**
 * Intake: sanitizes the issue's title, body and instructions (hidden markup, invisible characters, size caps) and
 * stores the sanitized task on the context. Entry points sanitize already; doing it again here makes the loop safe
 * for any caller. What was removed is logged.
 */
export async function intakePhase(ctx: RunContext): Promise<Task> {
  const clean = sanitizeIssue({
    title: ctx.task.issue.title,
    body: ctx.task.issue.body,
    ...(ctx.task.instructions !== undefined ? { instructions: ctx.task.instructions } : {}),
  });
  if (clean.removed.length > 0 || clean.truncated) {
    const what = [...clean.removed, ...(clean.truncated ? ["text cut at its size cap"] : [])].join("; ");
    ctx.emit({ type: "log", level: "warn", message: `intake removed hidden or oversized text: ${what}` });
  }
  const task: Task = {
    ...ctx.task,
    issue: { ...ctx.task.issue, title: clean.title, body: clean.body },
    ...(clean.instructions !== undefined ? { instructions: clean.instructions } : {}),
  };
  if (clean.instructions === undefined) delete task.instructions;
  ctx.task = task;
  return task;
}
