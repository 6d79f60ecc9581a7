import { BudgetExhaustedError, CancelledError, isTanukiError } from "../core/errors.js";
import { BudgetExhaustedSignal } from "./budgets.js";
import type { RunContext } from "./run-context.js";
import type { RunState } from "./run-state.js";

/**
 * Dispose a run's sandbox and work copy, then its context (the budget timer): every loop use-case ends with this,
 * whatever happened. Failures are reported as `log` events, never thrown.
 */
export async function disposeRunResources(ctx: RunContext, state: Pick<RunState, "sandbox" | "workspace">) {
  for (const [what, resource] of [
    ["sandbox", state.sandbox],
    ["work copy", state.workspace],
  ] as const) {
    if (!resource) continue;
    try {
      await resource.dispose();
    } catch (error) {
      ctx.emit({ type: "log", level: "error", message: `disposing the ${what} failed: ${String(error)}` });
    }
  }
  ctx.dispose();
}

/**
 * What a use-case other than `runFix` throws for an error that stopped it: a spent budget becomes a
 * BudgetExhaustedError, a cancel a CancelledError (also when the budget's abort surfaced as an abort error),
 * anything else as it was.
 */
export function rethrowStop(ctx: RunContext, error: unknown): never {
  if (error instanceof BudgetExhaustedSignal) throw new BudgetExhaustedError(error.message, { cause: error });
  const cause = ctx.stopCause;
  if (cause?.kind === "budget") throw new BudgetExhaustedError(cause.exhaustion.reason, { cause: error });
  if (cause?.kind === "cancelled" && !isTanukiError(error, "cancelled")) {
    throw new CancelledError("the run was cancelled", { cause: error });
  }
  throw error;
}
