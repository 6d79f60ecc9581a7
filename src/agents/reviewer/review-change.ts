import type { Review } from "../../core/finding.js";
import type { ChatModel } from "../../llm/chat-model.js";
import type { RosterEntry } from "../roster.js";
import { type AgentResult, callAgent } from "../shared/call-agent.js";
import { buildReviewerMessages, type ReviewerInput } from "./prompt.js";
import { REVIEWER_SCHEMA_NAME, reviewerOutputSchema } from "./schema.js";

/**
 * Asks the adversarial reviewer to attack a change. Findings get `attempt` set by the caller; lines are clamped to
 * ≥ 1 and rounded; empty suggestions are dropped; the verdict is `request-changes` whenever a finding is blocking
 * (whatever the model said).
 *
 * @throws ModelError, CancelledError (from the ChatModel port)
 */
export async function reviewChange(
  model: ChatModel,
  entry: RosterEntry,
  input: ReviewerInput,
  signal?: AbortSignal,
): Promise<AgentResult<Review>> {
  const answer = await callAgent(
    model,
    entry,
    {
      messages: buildReviewerMessages(entry, input),
      schema: reviewerOutputSchema(entry.sampling.maxTokens),
      schemaName: REVIEWER_SCHEMA_NAME,
    },
    signal,
  );
  const findings = answer.value.findings.map((finding) => ({
    file: finding.file.trim().replace(/^(\.\/)+/, ""),
    line: Number.isFinite(finding.line) ? Math.max(1, Math.round(finding.line)) : 1,
    severity: finding.severity,
    explanation: finding.explanation.trim(),
    ...(finding.suggestion.trim() ? { suggestion: finding.suggestion } : {}),
  }));
  const verdict = findings.some((finding) => finding.severity === "blocking")
    ? "request-changes"
    : answer.value.verdict;
  return { ...answer, value: { verdict, findings, summary: answer.value.summary.trim() } };
}
