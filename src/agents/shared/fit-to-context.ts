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

/** Closing line of a data fence (see `delimitUntrusted`): `</untrusted-data id="...">`. */
const FENCE_END = /^<\/untrusted-data id="[0-9a-f]+">$/;

/**
 * The safety net after prompt builders fitted their parts to the budget (a tokenizer may disagree with their
 * counts): shrink `messages` until they fit `budgetTokens` (counted with `countTokens`) by dropping whole lines from
 * the END of the largest fenced data block of the longest user message, with a marker line inside the fence. The
 * beginning of every block (the start of a file window, the head of a diff) and every fence stay; nothing is cut
 * in the middle of a line or out of the middle of a block. System messages are never cut. Returns the messages
 * unchanged when they already fit.
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
    const dropChars = Math.ceil((longest.content.length * (excess + 16)) / Math.max(1, tokens));
    const shrunk = dropBlockTail(longest.content, dropChars);
    if (shrunk === longest.content) return fitted;
    longest.content = shrunk;
  }
  return fitted;
}

/**
 * Drops about `chars` characters of whole lines from the end of the largest fenced block in `text` (the last lines
 * of the text when it has no fence), leaving a marker that says how many lines were left out.
 */
function dropBlockTail(text: string, chars: number): string {
  const lines = text.split("\n");
  let best: { start: number; end: number; size: number } | undefined;
  let open = -1;
  lines.forEach((line, index) => {
    if (line.startsWith("<untrusted-data ")) open = index;
    else if (open >= 0 && FENCE_END.test(line)) {
      const size = lines.slice(open + 1, index).reduce((sum, l) => sum + l.length + 1, 0);
      if (!best || size > best.size) best = { start: open + 1, end: index, size };
      open = -1;
    }
  });
  const block = best ?? { start: 0, end: lines.length, size: text.length };
  let cut = block.end;
  let dropped = 0;
  while (cut > block.start + 1 && dropped < chars) {
    cut -= 1;
    dropped += (lines[cut]?.length ?? 0) + 1;
  }
  if (cut >= block.end) return text;
  const marker = `[… ${block.end - cut} lines left out here to fit the model's context …]`;
  return [...lines.slice(0, cut), marker, ...lines.slice(block.end)].join("\n");
}
