/** The agents layer: roster, router and one step function per role. Uses only the ChatModel port. */

export type { AggregatorInput } from "./aggregator/prompt.js";
export { type RunSummary, summarizeRun } from "./aggregator/summarize-run.js";
export type { CoderInput } from "./coder/prompt.js";
export { type CodeChange, writeCode } from "./coder/write-code.js";
export { choosePlan } from "./critic/choose-plan.js";
export { critiquePlans } from "./critic/critique-plans.js";
export { type CriticInput, renderPlan } from "./critic/prompt.js";
export { analyzeRootCause } from "./debugger/analyze-root-cause.js";
export type { DebuggerInput } from "./debugger/prompt.js";
export type { PlannerInput } from "./planner/prompt.js";
export { proposePlan } from "./planner/propose-plan.js";
export { describeTests, type ReviewerInput } from "./reviewer/prompt.js";
export { reviewChange } from "./reviewer/review-change.js";
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
export type { AgentResult } from "./shared/call-agent.js";
export { fitRosterToContext } from "./shared/fit-to-context.js";
export type { FileText, IssueText } from "./shared/prompt-parts.js";
export type { TesterInput } from "./tester/prompt.js";
export { type TestChange, writeTest } from "./tester/write-test.js";
