import type { ChatMessage } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import { buildMessages, type IssueText, issueAndBriefing, untrusted } from "../shared/prompt-parts.js";

/** What the planner sees for one candidate. */
export interface PlannerInput {
  issue: IssueText;
  /** Briefing from the context layer (repo map, relevant files, world model). */
  briefing: string;
  /** Coding agents the plan may name: roster id and description. */
  agents: { id: string; description: string }[];
  /** 0-based index of this candidate among K. */
  candidateIndex: number;
  /** Summaries of the candidates already proposed, so this one can differ. */
  earlierSummaries: string[];
}

const INSTRUCTIONS =
  "Propose ONE plan to fix the issue. `summary`: the approach in one or two sentences. `steps`: 1 to 5 steps in " +
  "order; each names the repository files it touches (`files`, existing paths from the briefing or new ones), " +
  "its `intent`, and the `agent` (a roster id from the list) that does it. Keep the change small and testable; " +
  "tests are written by a separate tester, so plan only the code change.";

/** Builds the planner's messages; the issue, briefing and earlier summaries are fenced as data. */
export function buildPlannerMessages(entry: RosterEntry, input: PlannerInput): ChatMessage[] {
  const agents = input.agents.map((agent) => `- ${agent.id}: ${agent.description}`).join("\n");
  const earlier =
    input.earlierSummaries.length > 0
      ? `## Plans already proposed (propose a different approach when one exists)\n${untrusted(
          "earlier plan summaries",
          input.earlierSummaries.map((summary, i) => `${i + 1}. ${summary}`).join("\n"),
        )}`
      : "";
  return buildMessages(entry, INSTRUCTIONS, [
    issueAndBriefing(input.issue, input.briefing),
    `## Agents a step may name\n${agents}`,
    earlier,
    `## Task\nWrite candidate plan ${input.candidateIndex + 1}.`,
  ]);
}
