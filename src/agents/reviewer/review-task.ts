import type { Review } from "../../core/finding.js";
import { defineTask } from "../shared/agent-task.js";
import type { AnswerBudget } from "../shared/answer-size.js";
import { buildReviewerMessages } from "./prompt.js";
import { REVIEWER_SCHEMA_NAME, type ReviewerOutput, reviewerOutputSchema } from "./schema.js";

/**
 * The adversarial reviewer's task: attack a change. Findings get `attempt` set by the caller; lines are clamped to
 * ≥ 1 and rounded; empty suggestions are dropped; the verdict is `request-changes` whenever a finding is blocking
 * (whatever the model said).
 */
export const REVIEW_TASK = defineTask({
  schemaName: REVIEWER_SCHEMA_NAME,
  schema: (budget: AnswerBudget) => reviewerOutputSchema(budget),
  messages: buildReviewerMessages,
  finish(answer: ReviewerOutput): Review {
    const findings = answer.findings.map((finding) => ({
      file: finding.file.trim().replace(/^(\.\/)+/, ""),
      line: Number.isFinite(finding.line) ? Math.max(1, Math.round(finding.line)) : 1,
      severity: finding.severity,
      explanation: finding.explanation.trim(),
      ...(finding.suggestion.trim() ? { suggestion: finding.suggestion } : {}),
    }));
    const verdict = findings.some((finding) => finding.severity === "blocking") ? "request-changes" : answer.verdict;
    return { verdict, findings, summary: answer.summary.trim() };
  },
});
