import { z } from "zod";
import { type AnswerBudget, fitSchema, memoBySize, scaled } from "../shared/answer-size.js";

/** Schema name of the critic's answer. */
export const CRITIC_SCHEMA_NAME = "CritiqueOutput";

/** Scores the critic may give: whole numbers 0..10 (an enum, so a grammar cannot produce anything else). */
const SCORES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

function build(scale: number, candidates: number) {
  const indexes = Array.from({ length: Math.max(1, candidates) }, (_, i) => i) as [number, ...number[]];
  return z.object({
    critiques: z
      .array(
        z.object({
          planIndex: z.literal(indexes),
          strengths: z.string().max(scaled(240, scale, 4)),
          weaknesses: z.string().max(scaled(240, scale, 4)),
          score: z.literal(SCORES),
        }),
      )
      .max(candidates),
    chosenIndex: z.literal(indexes),
    reasons: z.string().max(scaled(400, scale, 4)),
  });
}

/**
 * The critique of K candidates: one critique per plan (0-based `planIndex`, strengths, weaknesses, score 0..10),
 * the chosen index and the reasons. Indexes are enums of the candidate indexes (a grammar cannot produce others);
 * `choosePlan` still validates them for backends without grammars.
 * At most one critique per candidate; the strings shrink to fit `maxTokens`.
 */
const bySize = new Map<number, ReturnType<typeof memoBySize<ReturnType<typeof build>>>>();
export function critiqueOutputSchema(budget: AnswerBudget, candidates: number) {
  let memo = bySize.get(candidates);
  if (!memo) {
    memo = memoBySize((budget: AnswerBudget) => fitSchema(budget, (scale) => build(scale, candidates)));
    bySize.set(candidates, memo);
  }
  return memo(budget);
}

/** The critic's answer at full size. */
export const CritiqueOutput = build(1, 8);
export type CritiqueOutput = z.infer<typeof CritiqueOutput>;
