import type { Edit } from "../../core/edit.js";
import type { ChatModel } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import { type AgentResult, callAgent } from "../shared/call-agent.js";
import { toEdits } from "../shared/edit-schema.js";
import { buildTesterMessages, type TesterInput } from "./prompt.js";
import { TESTER_SCHEMA_NAME, testerOutputSchema } from "./schema.js";

/** The tester's validated answer: edits to test files (not yet applied), the test's name and rationale. */
export interface TestChange {
  edits: Edit[];
  testName: string;
  rationale: string;
}

/**
 * Asks the tester for a spec-anchored test (see {@link TesterInput}). The caller restricts the edits to test files.
 *
 * @throws ModelError, CancelledError (from the ChatModel port)
 */
export async function writeTest(
  model: ChatModel,
  entry: RosterEntry,
  input: TesterInput,
  signal?: AbortSignal,
): Promise<AgentResult<TestChange>> {
  const answer = await callAgent(
    model,
    entry,
    {
      messages: buildTesterMessages(entry, input),
      schema: testerOutputSchema(entry.sampling.maxTokens),
      schemaName: TESTER_SCHEMA_NAME,
    },
    signal,
  );
  return {
    ...answer,
    value: {
      edits: toEdits(answer.value.edits),
      testName: answer.value.testName.trim(),
      rationale: answer.value.rationale.trim(),
    },
  };
}
