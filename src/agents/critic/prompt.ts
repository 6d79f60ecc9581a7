import type { Plan } from "../../core/plan.js";
import type { ChatMessage } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import { buildMessages, type IssueText, issueAndBriefing, untrusted } from "../shared/prompt-parts.js";

/** What the critic sees: the issue, the briefing and every candidate plan. */
export interface CriticInput {
  issue: IssueText;
  briefing: string;
  candidates: Plan[];
}

const INSTRUCTIONS =
  "Critique EVERY candidate plan below: for each, `planIndex` (0-based, as numbered), `strengths`, `weaknesses` and " +
  "a `score` from 0 (unusable) to 10 (clearly right): does it fix the root cause of the issue, touch the right " +
  "files, stay small and testable? Then set `chosenIndex` to the best plan's index and explain the choice in `reasons`.";

/** Renders a plan as plain text (for the critic, the PR body and traces). */
export function renderPlan(plan: Plan): string {
  const steps = plan.steps.map(
    (step, i) => `  ${i + 1}. [${step.agent}] ${step.intent} (files: ${step.files.join(", ") || "none"})`,
  );
  return `${plan.summary}\n${steps.join("\n")}`;
}

/** Builds the critic's messages; plans are model output, so they are fenced as data like the issue. */
export function buildCriticMessages(entry: RosterEntry, input: CriticInput): ChatMessage[] {
  const plans = input.candidates.map((plan, i) => untrusted(`candidate plan ${i}`, `Plan ${i}: ${renderPlan(plan)}`));
  return buildMessages(entry, INSTRUCTIONS, [
    issueAndBriefing(input.issue, input.briefing),
    `## Candidate plans (0-based)\n${plans.join("\n")}`,
  ]);
}
