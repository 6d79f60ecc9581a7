import type { ChatMessage } from "../../llm/chat-model.js";
import { rosterProblems } from "../registry.js";
import { capRosterTokens, type RosterEntry } from "../roster.js";
import { MIN_AGENT_TOKENS } from "./answer-size.js";

/** Share of the model's context an agent's answer may take (the rest is for the prompt). */
export const ANSWER_SHARE_OF_CONTEXT = 0.4;
/** Tokens reserved for the chat template's own markup around the messages. */
export const TEMPLATE_RESERVE_TOKENS = 64;

/**
 * A roster whose answer caps fit a model context of `contextSize` tokens: each agent's `maxTokens` is capped at
 * 40 % of the context (never below {@link MIN_AGENT_TOKENS}, the smallest cap every output schema can finish in).
 * Unknown context size → the roster unchanged.
 *
 * @throws Error when the roster is unusable (see `rosterProblems`: unknown `outputSchemaName`, duplicate id)
 */
export function fitRosterToContext(roster: readonly RosterEntry[], contextSize?: number): readonly RosterEntry[] {
  const problems = rosterProblems(roster);
  if (problems.length > 0) throw new Error(`the agent roster is unusable: ${problems.join("; ")}`);
  if (!contextSize) return roster;
  return capRosterTokens(roster, Math.max(MIN_AGENT_TOKENS, Math.floor(contextSize * ANSWER_SHARE_OF_CONTEXT)));
}

/**
 * Shrink `messages` until they fit `budgetTokens` (counted with `countTokens`): the longest user message loses
 * the middle of its text, replaced by an elision marker, so its beginning (instructions, issue) and end (latest
 * output) stay. System messages are never cut. Returns the messages unchanged when they already fit.
 */
export function fitMessages(
  messages: ChatMessage[],
  budgetTokens: number,
  countTokens: (text: string) => number,
): ChatMessage[] {
  const fitted = messages.map((message) => ({ ...message }));
  const total = () => fitted.reduce((sum, message) => sum + countTokens(message.content), 0);
  for (let round = 0; round < 8; round += 1) {
    const excess = total() - budgetTokens;
    if (excess <= 0) return fitted;
    const longest = fitted
      .filter((message) => message.role === "user")
      .sort((a, b) => b.content.length - a.content.length)[0];
    if (!longest) return fitted;
    const tokens = countTokens(longest.content);
    const keepRatio = Math.max(0, (tokens - excess) / tokens) * 0.95;
    longest.content = elideMiddle(longest.content, Math.floor(longest.content.length * keepRatio));
  }
  return fitted;
}

function elideMiddle(text: string, keepChars: number): string {
  if (keepChars >= text.length) return text;
  const half = Math.max(0, Math.floor(keepChars / 2));
  const cut = text.length - 2 * half;
  return `${text.slice(0, half)}\n[… ${cut} characters left out to fit the model's context …]\n${text.slice(text.length - half)}`;
}
