import type { z } from "zod";
import type { ChatMessage } from "../../llm/chat-model.js";
import type { AgentRole, RosterEntry } from "../roster.js";
import type { AnswerBudget } from "./answer-size.js";

/** Room a prompt may fill: tokens as counted by `count` (the model's tokenizer, or an estimate). */
export interface PromptBudget {
  /** Tokens the messages may take in all. */
  tokens: number;
  count: (text: string) => number;
}

/**
 * One kind of structured agent call, as data: the answer schema (sized to the agent's token cap), the prompt
 * builder, and how a validated answer becomes the domain value. `runAgent` runs any task the same way (prompt
 * fitting, the repair call for invalid answers, usage), so a role is one task definition, not a step function.
 *
 * @typeParam I  what the caller passes (issue, files, diff...)
 * @typeParam A  the schema's output (the raw answer)
 * @typeParam V  the domain value returned to the caller
 */
export interface AgentTask<I, A, V> {
  /** Name of the answer schema (traces, servers); roster entries name their main task by it (`outputSchemaName`). */
  readonly schemaName: string;
  /** Roles that may run the task besides the entries whose `outputSchemaName` is `schemaName`. */
  readonly alsoRunBy?: readonly AgentRole[];
  /** The answer schema for an agent's token cap and the model's measured density. */
  schema(budget: AnswerBudget, input: I): z.ZodType<A>;
  /** The messages of the call; `budget` is the room the prompt may take (builders that show files fit into it). */
  messages(entry: RosterEntry, input: I, budget?: PromptBudget): ChatMessage[];
  /** Turns a validated answer into the value the caller gets (trims, clamps, normalises). */
  finish(answer: A, input: I): V;
  /** Sampling seed of the call (candidate plans use different seeds). */
  seed?(input: I): number | undefined;
}

/** Identity helper that infers a task's type parameters from its definition. */
export function defineTask<I, A, V>(task: AgentTask<I, A, V>): AgentTask<I, A, V> {
  return task;
}
