import type { Edit } from "../../core/edit.js";
import type { Finding } from "../../core/finding.js";
import type { Proof } from "../../core/proof.js";
import type { AttemptResult } from "../../core/run-result.js";
import { testsPassed } from "../../core/test-report.js";
import type { RunContext } from "../run-context.js";
import { type AttemptRecord, bestRecord, type RunState, requireWorkspace } from "../run-state.js";
import { scoreAttempt } from "../score.js";
import { editSignature, failureSignature } from "../stuck-detector.js";
import { codePhase } from "./code.js";
import { mustPropagate } from "./plan.js";
import { reviewPhase } from "./review.js";
import { verifyPhase } from "./verify.js";
import { writeTestPhase } from "./write-test.js";

/** Why an attempt fell short, one clause per problem; undefined when it succeeded. */
export function describeFailure(input: {
  diff: string;
  hasTestCommand: boolean;
  blocking: number;
  /** The attempt's fail-before / pass-after proof (absent without a test command). */
  proof?: Proof;
  /** Plan steps that got no valid answer from their agent. */
  unanswered?: number;
}): string | undefined {
  const problems: string[] = [];
  if (input.unanswered) problems.push(`${input.unanswered} plan step(s) got no valid answer from the coding agent`);
  if (!input.diff.trim()) problems.push("no edit applied, so nothing changed");
  if (!input.hasTestCommand) problems.push("no test command is known, so the change could not be verified");
  else if (input.proof && !input.proof.proven) problems.push(...input.proof.problems);
  if (input.blocking > 0) problems.push(`${input.blocking} blocking review finding(s) are open`);
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/** True when the attempt's new tests all pass on the base commit too: the tester gets another turn. */
function newTestsDoNotReproduce(proof: Proof | undefined): boolean {
  if (!proof || proof.proven) return false;
  const fresh = proof.cases.filter((row) => row.kind === "new");
  if (proof.mode === "per-test") return fresh.length > 0 && !fresh.some((row) => row.proves);
  return proof.problems.some((problem) => problem.startsWith("the new test(s) do not reproduce"));
}

/**
 * One attempt: restore the best state so far (or the base), code the plan's steps, let the tester add a
 * spec-anchored test (until one is in the state, or again when its test did not reproduce the issue), snapshot,
 * verify with fail-before / pass-after proof (see `verifyPhase`), review adversarially, and score.
 * Returns the attempt's record; the caller keeps it with {@link recordAttempt}.
 */
export async function runAttempt(ctx: RunContext, state: RunState, attempt: number): Promise<AttemptRecord> {
  const started = ctx.now();
  const workspace = requireWorkspace(state);
  const plan = state.plan?.candidates[state.plan.chosenIndex];
  if (!plan) throw new Error("runAttempt needs a plan");
  const startFrom = bestRecord(state);
  const startSha = startFrom?.result.snapshot ?? workspace.baseSha;
  await ctx.tool(
    "git",
    { op: "restore", sha: startSha },
    () => workspace.restore(startSha),
    () => ({ output: {} }),
  );
  ctx.world.addNote(
    `attempt ${attempt} starts from ${startFrom ? `attempt ${startFrom.result.attempt}'s state` : "the base commit"}`,
  );
  const openFindings: Finding[] = (startFrom?.result.findings ?? []).filter(
    (finding) => !finding.resolved && (finding.severity === "blocking" || finding.severity === "major"),
  );

  const code = await ctx.phase("code", attempt, () => codePhase(ctx, state, plan, attempt, openFindings));

  let testAdded = startFrom?.testAdded ?? false;
  const testerEdits: Edit[] = [];
  const problems = [...code.problems];
  const { diff, snapshot, verification } = await ctx.phase("test", attempt, async () => {
    if (!testAdded) {
      try {
        const tester = await writeTestPhase(ctx, state);
        testerEdits.push(...tester.edits);
        problems.push(...tester.problems);
        testAdded = tester.applied;
      } catch (error) {
        if (mustPropagate(error)) throw error;
        ctx.emit({ type: "log", level: "warn", message: `tester failed: ${String(error)}` });
      }
    }
    const currentDiff = await ctx.tool(
      "git",
      { op: "diff" },
      () => workspace.diff(),
      (d) => ({ output: { chars: d.length } }),
    );
    const sha = await ctx.tool(
      "git",
      { op: "snapshot", attempt },
      () => workspace.snapshot(`tanuki: attempt ${attempt}`),
      (made) => ({ output: { sha: made } }),
    );
    return { diff: currentDiff, snapshot: sha, verification: await verifyPhase(ctx, state, attempt, currentDiff, sha) };
  });
  const tests = verification?.tests;
  const proof = verification?.proof;

  const review = await ctx.phase("review", attempt, () =>
    reviewPhase(ctx, state, attempt, diff, tests, verification?.changes.testSectionEdits),
  );
  const blocking = review.findings.filter((finding) => finding.severity === "blocking");
  const passed = proof ? proof.proven : tests ? testsPassed(tests) : false;
  const failureReason = describeFailure({
    diff,
    hasTestCommand: state.testCommand !== undefined,
    blocking: blocking.length,
    ...(proof ? { proof } : {}),
    unanswered: code.unanswered,
  });
  if (newTestsDoNotReproduce(proof)) {
    testAdded = false;
    ctx.world.addNote(
      `attempt ${attempt}: the new test does not reproduce the issue (it passes on the base commit too); the next test must fail on the base commit`,
    );
  }
  const result: AttemptResult = {
    attempt,
    edits: [...code.edits, ...testerEdits],
    editProblems: problems,
    diff,
    ...(tests ? { tests } : {}),
    ...(proof ? { proof } : {}),
    findings: review.findings,
    verdict: review.verdict,
    snapshot,
    ...(failureReason ? { failureReason } : {}),
    score: scoreAttempt({
      ...(tests ? { tests } : {}),
      ...(proof ? { proven: proof.proven } : {}),
      findings: review.findings,
      editProblems: problems.length,
    }),
    durationMs: ctx.now() - started,
  };
  const record: AttemptRecord = {
    result,
    testAdded,
    succeeded: failureReason === undefined,
    editSignature: editSignature(code.edits),
    ...(() => {
      const failure = failureSignature(tests, blocking, passed);
      return failure ? { failureSignature: failure } : {};
    })(),
  };
  return record;
}

/**
 * Keeps a finished attempt in the run's state: its record, and its snapshot when it beats the best so far
 * (snapshot protection). The one place attempts enter the state.
 */
export function recordAttempt(ctx: RunContext, state: RunState, record: AttemptRecord): void {
  const { attempt, snapshot, score, failureReason } = record.result;
  state.attempts.push(record);
  const kept = snapshot !== undefined && state.keeper.offer({ attempt, snapshot, score });
  ctx.world.addNote(
    `attempt ${attempt}: score ${score}${kept ? " (best so far)" : ""}; ${failureReason ?? "tests pass and nothing blocking is open"}`,
  );
}
