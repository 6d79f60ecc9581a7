import { SUMMARY_TASK } from "./aggregator/summary-task.js";
import { CODE_TASK } from "./coder/code-task.js";
import { CRITIQUE_TASK } from "./critic/critique-task.js";
import { RCA_TASK } from "./debugger/rca-task.js";
import { PLAN_TASK } from "./planner/plan-task.js";
import { REVIEW_TASK } from "./reviewer/review-task.js";
import type { RosterEntry } from "./roster.js";
import type { AgentTask } from "./shared/agent-task.js";
import { TEST_TASK } from "./tester/test-task.js";

/**
 * The role registry: every structured task an agent can be asked, by schema name. A roster entry's
 * `outputSchemaName` names its main task here (specialists name `CoderOutput` and so run the coding task); the
 * planner-critic also runs `CritiqueOutput` by its role. `runAgent` runs any of them.
 */
export const AGENT_TASKS: Readonly<Record<string, AgentTask<never, unknown, unknown>>> = Object.fromEntries(
  [PLAN_TASK, CRITIQUE_TASK, CODE_TASK, TEST_TASK, REVIEW_TASK, RCA_TASK, SUMMARY_TASK].map((task) => [
    task.schemaName,
    task as unknown as AgentTask<never, unknown, unknown>,
  ]),
);

/**
 * Problems of a roster, one line each: an entry whose `outputSchemaName` names no registered task, a duplicate id.
 * Empty for a usable roster.
 */
export function rosterProblems(roster: readonly RosterEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const entry of roster) {
    if (seen.has(entry.id)) problems.push(`${entry.id}: the id is used twice`);
    seen.add(entry.id);
    if (!AGENT_TASKS[entry.outputSchemaName]) {
      problems.push(
        `${entry.id}: outputSchemaName "${entry.outputSchemaName}" is not one of ${Object.keys(AGENT_TASKS).join(", ")}`,
      );
    }
  }
  return problems;
}
