import type { LoopStop } from "../outcome.js";
import type { RunContext } from "../run-context.js";
import type { RunState } from "../run-state.js";
import { StuckDetector } from "../stuck-detector.js";
import { recordAttempt, runAttempt } from "./attempt.js";
import { mustPropagate } from "./plan.js";
import { rcaPhase } from "./rca.js";

/**
 * The retry loop: attempts until one succeeds, a budget is spent (attempts here; wall clock and tokens are thrown
 * as BudgetExhaustedSignal from any step and handled by `runFix`), or the loop is stuck (same edits or same failure
 * as an earlier attempt). After each failed attempt the debugger writes an RCA that the next coder receives.
 */
export async function attemptsPhase(ctx: RunContext, state: RunState): Promise<LoopStop> {
  const detector = new StuckDetector();
  const maxAttempts = ctx.config.budgets.maxAttempts;
  for (;;) {
    const exhausted = ctx.budgetExhaustion(true);
    if (exhausted) return { kind: "budget", exhaustion: exhausted };
    ctx.attemptsStarted += 1;
    const attempt = ctx.attemptsStarted;
    ctx.emit({ type: "attempt", attempt, maxAttempts });
    const record = await runAttempt(ctx, state, attempt);
    recordAttempt(ctx, state, record);
    if (record.succeeded) return { kind: "success" };
    if (!ctx.budgetExhaustion(false)) {
      try {
        await ctx.phase("rca", attempt, () => rcaPhase(ctx, state, record.result));
      } catch (error) {
        if (mustPropagate(error)) throw error;
        ctx.emit({ type: "log", level: "warn", message: `root-cause analysis failed: ${String(error)}` });
      }
    }
    if (!state.testCommand) {
      return {
        kind: "no-tests",
        reason: "No test command was detected or configured, so no attempt could be verified",
      };
    }
    const stuck = detector.observe({
      attempt,
      edits: record.editSignature,
      ...(record.failureSignature ? { failure: record.failureSignature } : {}),
    });
    if (stuck) return { kind: "stuck", reason: stuck };
  }
}
