import type { Edit } from "../../core/edit.js";
import { defineTask } from "../shared/agent-task.js";
import type { AnswerBudget } from "../shared/answer-size.js";
import { type FollowUp, toEdits, toFollowUp } from "../shared/edit-schema.js";
import { buildCoderMessages, type CoderInput } from "./prompt.js";
import { CODER_SCHEMA_NAME, type CoderOutput, coderOutputSchema } from "./schema.js";

/** The coder's validated answer: domain edits (not yet applied), its explanation, and what it asks next. */
export interface CodeChange {
  edits: Edit[];
  explanation: string;
  followUp: FollowUp;
}

/**
 * The coding task (the coder and the coding specialists): the edits of one plan step. With `input.editProblems`
 * set it is the repair round for edits that did not apply.
 */
export const CODE_TASK = defineTask({
  schemaName: CODER_SCHEMA_NAME,
  schema: (budget: AnswerBudget) => coderOutputSchema(budget),
  messages: buildCoderMessages,
  finish: (answer: CoderOutput, _input: CoderInput): CodeChange => ({
    edits: toEdits(answer.edits),
    explanation: answer.explanation.trim(),
    followUp: toFollowUp(answer),
  }),
});
