import { DEFAULT_ROSTER, getRosterEntry, type RosterEntry } from "../agents/roster.js";
import { fitRosterToContext } from "../agents/shared/fit-to-context.js";
import type { RunConfig } from "../config/run-config.js";
import { WorldModel } from "../context/world-model.js";
import { CancelledError } from "../core/errors.js";
import type { RunEvent } from "../core/events.js";
import type { Phase, RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import type { TraceRecord } from "../core/trace.js";
import { BudgetExhaustedSignal, type BudgetExhaustion, checkBudgets } from "./budgets.js";
import type { LoopDeps } from "./loop-deps.js";
import { TracedModel } from "./traced-model.js";

type ToolName = Extract<TraceRecord, { kind: "tool-call" }>["tool"];
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A RunEvent before the context stamps its elapsed time. */
export type PendingEvent = DistributiveOmit<Extract<RunEvent, { elapsedMs: number }>, "elapsedMs">;

/** Why the run was stopped from outside the current step. */
export type StopCause = { kind: "cancelled" } | { kind: "budget"; exhaustion: BudgetExhaustion };

/**
 * Everything one run shares across phases: the task, config and ports, the traced model and its usage ledger,
 * the clock, per-phase timings, events, tool tracing, budgets and cancellation.
 *
 * Cancellation: the run has its own AbortSignal (`signal`) that aborts when the caller's signal aborts or when the
 * wall-clock budget runs out (a real timer, so a long model call is interrupted too). Call {@link dispose} when done.
 */
export class RunContext {
  task: Task;
  readonly config: RunConfig;
  readonly deps: LoopDeps;
  readonly roster: readonly RosterEntry[];
  readonly model: TracedModel;
  readonly timings: Partial<Record<Phase, number>> = {};
  /** The run's ground truth (tool results, facts, notes); agents are briefed from it. */
  readonly world = new WorldModel();
  /** Attempts started so far (for the attempt budget). */
  attemptsStarted = 0;
  private readonly controller = new AbortController();
  private readonly startMs: number;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onOuterAbort: () => void;

  constructor(
    task: Task,
    config: RunConfig,
    deps: LoopDeps,
    private readonly outer?: AbortSignal,
  ) {
    this.task = task;
    this.config = config;
    this.deps = deps;
    this.roster = fitRosterToContext(deps.roster ?? DEFAULT_ROSTER, deps.model.contextSize);
    this.startMs = this.now();
    this.onOuterAbort = () => this.abort({ kind: "cancelled" });
    outer?.addEventListener("abort", this.onOuterAbort, { once: true });
    if (outer?.aborted) this.onOuterAbort();
    this.timer = setTimeout(() => {
      const exhaustion = checkBudgets(
        config.budgets,
        { elapsedMs: config.budgets.wallClockMs, tokens: 0, attemptsStarted: 0 },
        false,
      );
      if (exhaustion) this.abort({ kind: "budget", exhaustion });
    }, config.budgets.wallClockMs);
    this.timer.unref?.();
    this.model = new TracedModel(deps.model, deps.trace, {
      beforeCall: () => this.checkBudget(),
      signal: this.controller.signal,
      now: () => this.now(),
    });
  }

  /** The run's signal: aborts on the caller's cancel or when the wall-clock budget runs out. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * What stopped the run from outside (cancel, budget), if anything did. Read from the run signal's abort reason,
   * the one place the cause is kept (so the signal and the cause can never disagree).
   */
  get stopCause(): StopCause | undefined {
    if (!this.controller.signal.aborted) return undefined;
    const reason: unknown = this.controller.signal.reason;
    return reason instanceof BudgetExhaustedSignal
      ? { kind: "budget", exhaustion: reason.exhaustion }
      : { kind: "cancelled" };
  }

  /** Monotonic time, ms (the injected clock, else `performance.now()`). */
  now(): number {
    return this.deps.now ? this.deps.now() : performance.now();
  }

  /** Time since the run started, ms. */
  elapsedMs(): number {
    return this.now() - this.startMs;
  }

  /** Token usage so far, as the RunResult reports it (a copy). */
  usageReport(): RunResult["usage"] {
    const usage = this.model.usage;
    const byAgent = Object.fromEntries(Object.entries(usage.byAgent).map(([agent, used]) => [agent, { ...used }]));
    return { ...usage.total, byAgent };
  }

  /** Per-phase timings so far plus the total, ms (a copy). */
  timingsReport(): RunResult["timings"] {
    return { ...this.timings, totalMs: this.elapsedMs() };
  }

  /** The roster entry with `id` (throws on an unknown id: a programming error). */
  agent(id: string): RosterEntry {
    return getRosterEntry(this.roster, id);
  }

  /** Stamps, traces and forwards a progress event; a throwing listener is ignored. */
  emit(pending: PendingEvent): void {
    const event = { ...pending, elapsedMs: Math.round(this.elapsedMs()) } as RunEvent;
    this.deps.trace.record({ kind: "event", at: new Date().toISOString(), event });
    try {
      this.deps.onEvent?.(event);
    } catch {
      // Listeners must not throw (RunEventListener contract); a broken one must not break the run.
    }
  }

  /** The innermost phase an error escaped from (see {@link phaseOf}). */
  private readonly failedPhases = new WeakMap<object, Phase>();

  /**
   * Runs `fn` as (part of) a phase: emits the phase event and adds its wall time to the phase's timing. An error
   * escaping it remembers the phase (see {@link phaseOf}).
   */
  async phase<T>(phase: Phase, attempt: number | undefined, fn: () => Promise<T>, detail?: string): Promise<T> {
    this.emit({ type: "phase", phase, ...(attempt !== undefined ? { attempt } : {}), ...(detail ? { detail } : {}) });
    const started = this.now();
    try {
      return await fn();
    } catch (error) {
      if (typeof error === "object" && error !== null && !this.failedPhases.has(error)) {
        this.failedPhases.set(error, phase);
      }
      throw error;
    } finally {
      this.timings[phase] = (this.timings[phase] ?? 0) + (this.now() - started);
    }
  }

  /** The innermost phase `error` escaped from, when it escaped one. */
  phaseOf(error: unknown): Phase | undefined {
    return typeof error === "object" && error !== null ? this.failedPhases.get(error) : undefined;
  }

  /**
   * Runs a tool call and traces it (input, summarised output, exit code, duration). Errors are traced and rethrown.
   * @param summarize  turns the result into what the trace keeps (keep it small: no file contents)
   */
  async tool<T>(
    tool: ToolName,
    input: unknown,
    fn: () => Promise<T>,
    summarize: (result: T) => { output: unknown; exitCode?: number },
  ): Promise<T> {
    const at = new Date().toISOString();
    const started = this.now();
    try {
      const result = await fn();
      const summary = summarize(result);
      this.deps.trace.record({ kind: "tool-call", tool, at, input, ...summary, durationMs: this.now() - started });
      return result;
    } catch (error) {
      const output = { error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      this.deps.trace.record({ kind: "tool-call", tool, at, input, output, durationMs: this.now() - started });
      throw error;
    }
  }

  /** The first spent budget, or undefined (see `checkBudgets`). */
  budgetExhaustion(nextAttempt: boolean): BudgetExhaustion | undefined {
    return checkBudgets(
      this.config.budgets,
      { elapsedMs: this.elapsedMs(), tokens: this.model.tokensUsed, attemptsStarted: this.attemptsStarted },
      nextAttempt,
    );
  }

  /**
   * Throws when the run must stop: CancelledError after a cancel, BudgetExhaustedSignal when the wall clock or the
   * tokens are spent (or, with `nextAttempt`, the attempts).
   */
  checkBudget(nextAttempt = false): void {
    const stop = this.stopCause;
    if (stop?.kind === "cancelled") throw new CancelledError("the run was cancelled");
    if (stop?.kind === "budget") throw new BudgetExhaustedSignal(stop.exhaustion);
    const exhaustion = this.budgetExhaustion(nextAttempt);
    if (exhaustion) {
      if (exhaustion.kind !== "attempts") this.abort({ kind: "budget", exhaustion });
      throw new BudgetExhaustedSignal(exhaustion);
    }
  }

  /** Stops the timer and detaches from the caller's signal. Idempotent. */
  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener("abort", this.onOuterAbort);
  }

  private abort(cause: StopCause): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(
      cause.kind === "cancelled"
        ? new CancelledError("the run was cancelled")
        : new BudgetExhaustedSignal(cause.exhaustion),
    );
  }
}
