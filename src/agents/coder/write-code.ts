import type { Edit } from "../../core/edit.js";
import type { ChatModel } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import { type AgentResult, callAgent } from "../shared/call-agent.js";
import { toEdits } from "../shared/edit-schema.js";
import { buildCoderMessages, type CoderInput } from "./prompt.js";
import { CODER_SCHEMA_NAME, coderOutputSchema } from "./schema.js";

/** The coder's validated answer: domain edits (not yet applied) and its explanation. */
export interface CodeChange {
  edits: Edit[];
  explanation: string;
}

/**
 * Asks a coding agent (the coder or a specialist) for the edits of one plan step. With `input.editProblems` set
 * this is the repair round for edits that did not apply.
 *
 * @throws ModelError, CancelledError (from the ChatModel port)
 */
export async function writeCode(
  model: ChatModel,
  entry: RosterEntry,
  input: CoderInput,
  signal?: AbortSignal,
): Promise<AgentResult<CodeChange>> {
  const answer = await callAgent(
    model,
    entry,
    {
      messages: buildCoderMessages(entry, input),
      schema: coderOutputSchema(entry.sampling.maxTokens),
      schemaName: CODER_SCHEMA_NAME,
    },
    signal,
  );
  return { ...answer, value: { edits: toEdits(answer.value.edits), explanation: answer.value.explanation.trim() } };
}
