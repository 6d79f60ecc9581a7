import type { Edit } from "../../core/edit.js";
import type { Finding } from "../../core/finding.js";
import type { AttemptResult } from "../../core/run-result.js";
import { type TestReport, testsPassed } from "../../core/test-report.js";
import type { RunContext } from "../run-context.js";
import { type AttemptRecord, bestRecord, type RunState, requireWorkspace } from "../run-state.js";
import { scoreAttempt } from "../score.js";
import { editSignature, failureSignature } from "../stuck-detector.js";
import { codePhase } from "./code.js";
import { mustPropagate } from "./plan.js";
import { reviewPhase } from "./review.js";
import { runTests } from "./test.js";
import { writeTestPhase } from "./write-test.js";

/** Why an attempt fell short, one clause per problem; undefined when it succeeded. */
export function describeFailure(input: {
  diff: string;
  tests?: TestReport;
  hasTestCommand: boolean;
  blocking: number;
  beforeFailed: boolean;
  testAdded: boolean;
  /** Plan steps that got no valid answer from their agent. */
  unanswered?: number;
}): string | undefined {
  const problems: string[] = [];
  if (input.unanswered) problems.push(`${input.unanswered} plan step(s) got no valid answer from the coding agent`);
  if (!input.diff.trim()) problems.push("no edit applied, so nothing changed");
  if (!input.hasTestCommand) problems.push("no test command is known, so the change could not be verified");
  else if (input.tests && !testsPassed(input.tests)) {
    const t = input.tests;
    const counts = t.failed !== undefined ? `, ${t.failed} failed${t.errors ? `, ${t.errors} errors` : ""}` : "";
    problems.push(t.timedOut ? "the tests timed out" : `the tests fail (exit ${t.exitCode}${counts})`);
  } else if (input.tests && !input.beforeFailed && !input.testAdded) {
    problems.push("the tests passed before the change too and no new test pins the issue");
  }
  if (input.blocking > 0) problems.push(`${input.blocking} blocking review finding(s) are open`);
  return problems.length > 0 ? problems.join("; ") : undefined;
}

/**
 * One attempt: restore the best state so far (or the base), code the plan's steps, let the tester add a
 * spec-anchored test (until one is in the state), run the tests, review adversarially, snapshot and score.
 * The snapshot is offered to the keeper, which keeps it only when it beats the best so far.
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
  const { diff, tests } = await ctx.phase("test", attempt, async () => {
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
    const report = state.testCommand ? await runTests(ctx, state, state.testCommand, "after", attempt) : undefined;
    return { diff: currentDiff, tests: report };
  });

  const review = await ctx.phase("review", attempt, () => reviewPhase(ctx, state, attempt, diff, tests));
  const snapshot = await ctx.tool(
    "git",
    { op: "snapshot", attempt },
    () => workspace.snapshot(`tanuki: attempt ${attempt}`),
    (sha) => ({ output: { sha } }),
  );
  const blocking = review.findings.filter((finding) => finding.severity === "blocking");
  const passed = tests ? testsPassed(tests) : false;
  const beforeFailed = state.before ? !testsPassed(state.before) : false;
  const failureReason = describeFailure({
    diff,
    ...(tests ? { tests } : {}),
    hasTestCommand: state.testCommand !== undefined,
    blocking: blocking.length,
    beforeFailed,
    testAdded,
    unanswered: code.unanswered,
  });
  const result: AttemptResult = {
    attempt,
    edits: [...code.edits, ...testerEdits],
    editProblems: problems,
    diff,
    ...(tests ? { tests } : {}),
    findings: review.findings,
    verdict: review.verdict,
    snapshot,
    ...(failureReason ? { failureReason } : {}),
    score: scoreAttempt({ ...(tests ? { tests } : {}), findings: review.findings, editProblems: problems.length }),
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
  state.attempts.push(record);
  const kept = state.keeper.offer({ attempt, snapshot, score: result.score });
  ctx.world.addNote(
    `attempt ${attempt}: score ${result.score}${kept ? " (best so far)" : ""}; ${failureReason ?? "tests pass and nothing blocking is open"}`,
  );
  return record;
}
