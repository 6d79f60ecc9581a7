/** A step of a plan: which files, what to achieve, and which agent (roster id) does it. */
export interface PlanStep {
  /** Repository-relative paths the step touches (may name files to create). */
  files: string[];
  /** What the step achieves, in one or two sentences. */
  intent: string;
  /** Roster id of the agent that does it, e.g. `tanuki-coder`, `tanuki-security`. */
  agent: string;
}

/** One candidate plan from the planner. */
export interface Plan {
  summary: string;
  steps: PlanStep[];
}

/** The planner-critic's verdict on one candidate plan. */
export interface PlanCritique {
  /** Index into the candidate list. */
  planIndex: number;
  strengths: string;
  weaknesses: string;
  /** 0 (unusable) .. 10 (clearly right). */
  score: number;
}

/** Result of the plan phase: every candidate, every critique, and the one chosen. */
export interface PlanDecision {
  candidates: Plan[];
  critiques: PlanCritique[];
  chosenIndex: number;
  reasons: string;
}
