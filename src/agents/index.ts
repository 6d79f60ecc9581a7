/**
 * The agents layer: roster, router, and the role registry (one task definition per kind of structured call, run by
 * `runAgent`). Uses only the ChatModel port.
 */

export type { AggregatorInput } from "./aggregator/prompt.js";
export { type RunSummary, SUMMARY_TASK } from "./aggregator/summary-task.js";
export { CODE_TASK, type CodeChange } from "./coder/code-task.js";
export type { CoderInput } from "./coder/prompt.js";
export { choosePlan } from "./critic/choose-plan.js";
export { CRITIQUE_TASK } from "./critic/critique-task.js";
export { type CriticInput, renderPlan } from "./critic/prompt.js";
export type { DebuggerInput } from "./debugger/prompt.js";
export { RCA_TASK } from "./debugger/rca-task.js";
export { PLAN_TASK } from "./planner/plan-task.js";
export type { PlannerInput } from "./planner/prompt.js";
export { AGENT_TASKS, rosterProblems } from "./registry.js";
export { describeTests, type ReviewerInput } from "./reviewer/prompt.js";
export { REVIEW_TASK } from "./reviewer/review-task.js";
export {
  AGENT_IDS,
  type AgentRole,
  canCode,
  capRosterTokens,
  DEFAULT_ROSTER,
  getRosterEntry,
  type RosterEntry,
} from "./roster.js";
export { fileLanguage, type RouteDecision, routeStep } from "./router.js";
export type { AgentTask, PromptBudget } from "./shared/agent-task.js";
export { fitRosterToContext } from "./shared/fit-to-context.js";
export { InvalidAnswerError, isInvalidAnswer } from "./shared/invalid-answer-error.js";
export type { FileText, IssueText } from "./shared/prompt-parts.js";
export { type AgentResult, runAgent } from "./shared/run-agent.js";
export type { TesterInput } from "./tester/prompt.js";
export { TEST_TASK, type TestChange } from "./tester/test-task.js";
