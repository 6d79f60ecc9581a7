import type { Edit } from "../../core/edit.js";
import { defineTask } from "../shared/agent-task.js";
import { toEdits } from "../shared/edit-schema.js";
import { buildCoderMessages, type CoderInput } from "./prompt.js";
import { CODER_SCHEMA_NAME, type CoderOutput, coderOutputSchema } from "./schema.js";

/** The coder's validated answer: domain edits (not yet applied) and its explanation. */
export interface CodeChange {
  edits: Edit[];
  explanation: string;
}

/**
 * The coding task (the coder and the coding specialists): the edits of one plan step. With `input.editProblems`
 * set it is the repair round for edits that did not apply.
 */
export const CODE_TASK = defineTask({
  schemaName: CODER_SCHEMA_NAME,
  schema: (maxTokens: number) => coderOutputSchema(maxTokens),
  messages: buildCoderMessages,
  finish: (answer: CoderOutput, _input: CoderInput): CodeChange => ({
    edits: toEdits(answer.edits),
    explanation: answer.explanation.trim(),
  }),
});
