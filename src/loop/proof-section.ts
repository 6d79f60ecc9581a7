import type { Proof, ProofCase } from "../core/proof.js";
import type { RunResult } from "../core/run-result.js";
import { cell, codeCell, inline } from "./markdown-cells.js";

/** Most proof rows shown in the PR body (the rest are counted). */
export const PR_PROOF_ROWS = 30;

const HEALTH_TEXT = {
  "ran-clean": "they ran and passed",
  "ran-with-failures": "they ran, with failures",
  "no-tests": "the repository had no tests yet",
} as const;

/** One line on how the tests fared on the base commit (and why they could not run, when they could not). */
export function baseTestsLines(result: RunResult): string[] {
  const health = result.baseTests?.health;
  if (!health) return [];
  const text =
    health.status === "could-not-run" ? `they could not run: ${inline(health.reason)}` : HEALTH_TEXT[health.status];
  return [`On the base commit ${text}.`, ""];
}

function row(testcase: ProofCase): string {
  return `| ${codeCell(testcase.id)} | ${testcase.kind} | ${testcase.before} | ${testcase.after} | ${cell(testcase.verdict)} |`;
}

/**
 * The per-test proof of the reported attempt: whether it holds and why not, a table of the new tests (on the base
 * with the change's tests, and with the change) and of the pre-existing tests whose result changed, and how many
 * pre-existing tests that passed on the base still pass. Counts-only proofs list their runs' problems.
 */
export function proofLines(proof: Proof | undefined): string[] {
  if (!proof) return [];
  const lines = ["### Proof: fails before, passes after", ""];
  lines.push(
    proof.proven
      ? "Proven: the new or fixed tests fail on the base commit and pass with the change, and nothing that passed broke."
      : `Not proven: ${inline(proof.problems.join("; "))}.`,
    "",
  );
  if (proof.mode === "counts") {
    lines.push("The test runner gave no per-test report, so this is judged from its summary and exit codes.", "");
    return lines;
  }
  const { passedBefore, stillPassing } = proof.preExisting;
  lines.push(
    `Pre-existing tests that passed on the base: ${passedBefore}; still passing with the change: ${stillPassing}.`,
    "",
  );
  const shown = proof.cases.slice(0, PR_PROOF_ROWS);
  if (shown.length > 0) {
    lines.push("| test | kind | base | change | verdict |", "|---|---|---|---|---|", ...shown.map(row));
    const more = proof.cases.length - shown.length + proof.omittedCases;
    if (more > 0) lines.push("", `…and ${more} more row(s) in run.json.`);
    lines.push("");
  }
  return lines;
}
