import { z } from "zod";
import { fitSchema, scaled } from "../shared/answer-size.js";
import { memoBySize } from "../shared/call-agent.js";

/** Schema name of the critic's answer. */
export const CRITIC_SCHEMA_NAME = "CritiqueOutput";

/** Scores the critic may give: whole numbers 0..10 (an enum, so a grammar cannot produce anything else). */
const SCORES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

function build(scale: number) {
  return z.object({
    critiques: z
      .array(
        z.object({
          planIndex: z.number(),
          strengths: z.string().max(scaled(240, scale, 8)),
          weaknesses: z.string().max(scaled(240, scale, 8)),
          score: z.literal(SCORES),
        }),
      )
      .max(scaled(8, scale)),
    chosenIndex: z.number(),
    reasons: z.string().max(scaled(400, scale, 16)),
  });
}

/**
 * The critique of K candidates: one critique per plan (0-based `planIndex`, strengths, weaknesses, score 0..10),
 * the chosen index and the reasons. Indexes are plain numbers: the caller validates them (see `choosePlan`).
 */
export const critiqueOutputSchema = memoBySize((maxTokens: number) => fitSchema(maxTokens, build));

/** The critic's answer at full size. */
export const CritiqueOutput = build(1);
export type CritiqueOutput = z.infer<typeof CritiqueOutput>;
