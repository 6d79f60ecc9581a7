import type { RootCauseAnalysis } from "../../core/finding.js";
import { defineTask } from "../shared/agent-task.js";
import type { AnswerBudget } from "../shared/answer-size.js";
import { buildDebuggerMessages, type DebuggerInput } from "./prompt.js";
import { RCA_SCHEMA_NAME, type RcaOutput, rcaOutputSchema } from "./schema.js";

/**
 * The debugger's task: a five-whys root-cause analysis of a failed attempt (technique: Toyota's "5 whys").
 * Empty whys are dropped.
 */
export const RCA_TASK = defineTask({
  schemaName: RCA_SCHEMA_NAME,
  schema: (budget: AnswerBudget) => rcaOutputSchema(budget),
  messages: buildDebuggerMessages,
  finish: (answer: RcaOutput, input: DebuggerInput): RootCauseAnalysis => ({
    symptom: answer.symptom.trim(),
    whys: answer.whys.map((why) => why.trim()).filter((why) => why.length > 0),
    rootCause: answer.rootCause.trim(),
    nextAttemptAdvice: answer.nextAttemptAdvice.trim(),
    attempt: input.attempt,
  }),
});
