/** Severity of a reviewer finding. `blocking` sends the loop back to code. */
export type Severity = "blocking" | "major" | "minor" | "nit";

/** One finding from the adversarial reviewer. */
export interface Finding {
  /** Repository-relative path. */
  file: string;
  /** 1-based line in the changed file (new side of the diff). */
  line: number;
  severity: Severity;
  /** What is wrong and why it matters. */
  explanation: string;
  /** Replacement code for the line(s), when the reviewer proposes a concrete change. */
  suggestion?: string;
  /** Attempt in which the finding was raised (1-based). */
  attempt?: number;
  /** Whether a later attempt resolved it (set by the loop when the reviewer no longer reports it). */
  resolved?: boolean;
}

/** The reviewer's overall verdict on one attempt. */
export type ReviewVerdict = "approve" | "request-changes";

export interface Review {
  verdict: ReviewVerdict;
  findings: Finding[];
  summary: string;
}

/** Five-whys root-cause analysis written by the debugger from real output. */
export interface RootCauseAnalysis {
  /** What was observed (failing test, finding), quoted from real output. */
  symptom: string;
  /** The chain of whys, each answering the previous one (up to five). */
  whys: string[];
  rootCause: string;
  /** Concrete advice for the next attempt. */
  nextAttemptAdvice: string;
  attempt: number;
}
