import type { Plan, PlanCritique, PlanDecision } from "../../core/plan.js";

/** The critic's answer as `choosePlan` accepts it (the schema's output, or anything looser). */
export interface CritiqueAnswer {
  critiques: { planIndex: number; strengths: string; weaknesses: string; score: number }[];
  chosenIndex: number;
  reasons: string;
}

/**
 * Turns the critic's answer into a decision, trusting scores over the model's stated choice:
 *
 * - critiques with an index outside the candidates are dropped; for an index critiqued twice the first counts;
 *   scores are clamped to 0..10; a candidate without a critique scores 0;
 * - a candidate with no steps is never chosen when another has steps;
 * - the highest score wins; among tied candidates the model's `chosenIndex` wins when it is one of them, else the
 *   plan with fewer steps (smaller change), else the lowest index;
 * - `reasons` keeps the model's reasons and says when its choice was invalid or overridden.
 *
 * @param candidates  the K candidate plans (at least one)
 * @throws Error when `candidates` is empty (a programming error)
 */
export function choosePlan(candidates: readonly Plan[], answer: CritiqueAnswer): PlanDecision {
  if (candidates.length === 0) throw new Error("choosePlan needs at least one candidate");
  const critiques: PlanCritique[] = [];
  for (const critique of answer.critiques) {
    const index = critique.planIndex;
    if (!Number.isInteger(index) || index < 0 || index >= candidates.length) continue;
    if (critiques.some((kept) => kept.planIndex === index)) continue;
    critiques.push({
      planIndex: index,
      strengths: critique.strengths,
      weaknesses: critique.weaknesses,
      score: Math.min(10, Math.max(0, Math.round(critique.score))),
    });
  }
  critiques.sort((a, b) => a.planIndex - b.planIndex);
  const scoreOf = (index: number) => critiques.find((c) => c.planIndex === index)?.score ?? 0;
  const usable = candidates.map((_, index) => index).filter((index) => (candidates[index]?.steps.length ?? 0) > 0);
  const pool = usable.length > 0 ? usable : candidates.map((_, index) => index);
  const top = Math.max(...pool.map(scoreOf));
  const tied = pool.filter((index) => scoreOf(index) === top);
  const modelChoice = answer.chosenIndex;
  const modelChoiceValid = Number.isInteger(modelChoice) && modelChoice >= 0 && modelChoice < candidates.length;
  let chosenIndex: number;
  if (modelChoiceValid && tied.includes(modelChoice)) {
    chosenIndex = modelChoice;
  } else {
    chosenIndex = [...tied].sort(
      (a, b) => (candidates[a]?.steps.length ?? 0) - (candidates[b]?.steps.length ?? 0) || a - b,
    )[0] as number;
  }
  const notes: string[] = [];
  if (!modelChoiceValid) notes.push(`the critic's choice (${modelChoice}) is not a candidate index`);
  else if (modelChoice !== chosenIndex) {
    notes.push(
      `the critic chose plan ${modelChoice} (score ${scoreOf(modelChoice)}) but plan ${chosenIndex} scored higher`,
    );
  }
  if (tied.length > 1) notes.push(`plans ${tied.join(", ")} tied at score ${top}`);
  const reasons = [answer.reasons.trim(), ...notes.map((note) => `Note: ${note}.`)].filter(Boolean).join(" ");
  return { candidates: [...candidates], critiques, chosenIndex, reasons };
}
