import { ModelError } from "../../core/errors.js";

/**
 * An agent's answer was invalid (not JSON, not matching its schema, or cut at its token cap) twice: once, and
 * again after the repair call that showed it the validation errors. The loop counts the step as failed and goes
 * on; it never ends a run by itself.
 */
export class InvalidAnswerError extends ModelError {
  /** Roster id of the agent. */
  readonly agent: string;
  readonly schemaName: string;
  /** Why each answer was refused, first answer first. */
  readonly problems: string[];

  constructor(agent: string, schemaName: string, problems: string[], options?: { cause?: unknown }) {
    super(`${agent} gave no valid ${schemaName} answer in ${problems.length} tries: ${problems.join(" | ")}`, options);
    this.agent = agent;
    this.schemaName = schemaName;
    this.problems = problems;
  }
}

/** True for {@link InvalidAnswerError}. */
export function isInvalidAnswer(error: unknown): error is InvalidAnswerError {
  return error instanceof InvalidAnswerError;
}
