import { z } from "zod";
import { type AnswerBudget, fitSchema, memoBySize, scaled, scaledCount } from "../shared/answer-size.js";

/** Schema name of the reviewer's answer. */
export const REVIEWER_SCHEMA_NAME = "ReviewerOutput";

function build(scale: number) {
  return z.object({
    verdict: z.enum(["approve", "request-changes"]),
    summary: z.string().max(scaled(300, scale, 8)),
    findings: z
      .array(
        z.object({
          file: z.string().max(scaled(160, scale, 40)),
          line: z.number(),
          severity: z.enum(["blocking", "major", "minor", "nit"]),
          explanation: z.string().max(scaled(400, scale, 8)),
          suggestion: z.string().max(scaled(400, scale, 8)),
        }),
      )
      .max(scaledCount(6, scale)),
  });
}

/**
 * The reviewer's answer: verdict, summary and up to 6 findings (file, 1-based line on the new side, severity,
 * explanation, suggestion — empty when none). `line` is a plain number: the caller clamps it.
 */
export const reviewerOutputSchema = memoBySize((budget: AnswerBudget) => fitSchema(budget, build));

/** The reviewer's answer at full size. */
export const ReviewerOutput = build(1);
export type ReviewerOutput = z.infer<typeof ReviewerOutput>;
