import type { Edit } from "../../core/edit.js";
import { defineTask } from "../shared/agent-task.js";
import type { AnswerBudget } from "../shared/answer-size.js";
import { type FollowUp, toEdits, toFollowUp } from "../shared/edit-schema.js";
import { buildTesterMessages } from "./prompt.js";
import { TESTER_SCHEMA_NAME, type TesterOutput, testerOutputSchema } from "./schema.js";

/** The tester's validated answer: edits to test files (not yet applied), the test's name and rationale. */
export interface TestChange {
  edits: Edit[];
  testName: string;
  rationale: string;
  followUp: FollowUp;
}

/** The tester's task: a spec-anchored test (see `TesterInput`). The caller restricts the edits to test files. */
export const TEST_TASK = defineTask({
  schemaName: TESTER_SCHEMA_NAME,
  schema: (budget: AnswerBudget) => testerOutputSchema(budget),
  messages: buildTesterMessages,
  finish: (answer: TesterOutput): TestChange => ({
    edits: toEdits(answer.edits),
    testName: answer.testName.trim(),
    rationale: answer.rationale.trim(),
    followUp: toFollowUp(answer),
  }),
});
