import type { RunConfig } from "../config/run-config.js";
import { isTanukiError } from "../core/errors.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import { classifyBaseRun } from "../testing/base-health.js";
import { BudgetExhaustedSignal } from "./budgets.js";
import { contextTooSmallReason } from "./context-too-small.js";
import type { LoopDeps } from "./loop-deps.js";
import { decideOutcome, type LoopStop, reportedFindings } from "./outcome.js";
import { aggregatePhase } from "./phases/aggregate.js";
import { attemptsPhase } from "./phases/attempts.js";
import { environmentPhase } from "./phases/environment.js";
import { explorePhase, openWorkspacePhase } from "./phases/explore.js";
import { intakePhase } from "./phases/intake.js";
import { readOriginals } from "./phases/originals.js";
import { planPhase } from "./phases/plan.js";
import { publishPhase } from "./phases/publish.js";
import { runTests } from "./phases/test.js";
import { RunContext } from "./run-context.js";
import { disposeRunResources } from "./run-resources.js";
import { bestRecord, createRunState, type RunState } from "./run-state.js";

/** Classifies what escaped a phase: cancel, budget, or a crash (with a clear reason when the context was too small). */
function stopFor(ctx: RunContext, error: unknown): LoopStop {
  if (error instanceof BudgetExhaustedSignal) return { kind: "budget", exhaustion: error.exhaustion };
  const cause = ctx.stopCause;
  if (cause?.kind === "budget" && (isTanukiError(error, "cancelled") || ctx.signal.aborted)) {
    return { kind: "budget", exhaustion: cause.exhaustion };
  }
  if (cause?.kind === "cancelled" || isTanukiError(error, "cancelled")) return { kind: "cancelled" };
  const reason = contextTooSmallReason(error, { phase: ctx.phaseOf(error), modelName: ctx.deps.model.name });
  return { kind: "error", error, ...(reason ? { reason } : {}) };
}

function errorInfo(error: unknown): NonNullable<RunResult["error"]> {
  if (error instanceof Error) {
    return {
      message: error.message,
      ...(isTanukiError(error) ? { code: error.code } : {}),
      ...(error.stack ? { stack: error.stack } : {}),
    };
  }
  return { message: String(error) };
}

/** Builds the RunResult from the state (best attempt, not the last: snapshot protection). */
function assembleResult(ctx: RunContext, state: RunState, stop: LoopStop): RunResult {
  const best = bestRecord(state);
  const { outcome, reason } = decideOutcome(state, stop);
  return {
    taskId: ctx.task.id,
    outcome,
    reason,
    baseSha: state.workspace?.baseSha ?? ctx.task.baseSha ?? "",
    ...(state.plan ? { plan: state.plan } : {}),
    attempts: state.attempts.map((record) => record.result),
    ...(best ? { bestAttempt: best.result.attempt } : {}),
    ...(state.before && best?.result.tests ? { tests: { before: state.before, after: best.result.tests } } : {}),
    ...(state.before && state.baseHealth ? { baseTests: { report: state.before, health: state.baseHealth } } : {}),
    findings: reportedFindings(state),
    rcas: [...state.rcas],
    filesChanged: state.filesChanged,
    usage: ctx.usageReport(),
    timings: ctx.timingsReport(),
    ...(state.environmentReport ? { environment: state.environmentReport } : {}),
    ...(stop.kind === "error" ? { error: errorInfo(stop.error) } : {}),
  };
}

/**
 * Runs the whole loop for one task: intake → explore → environment (install, registry-only network) → tests on the
 * base → plan → attempts (code → test → review
 * → rca, with retries from the best snapshot) → aggregate → publish.
 *
 * Expected outcomes are values (`fixed`, `not-fixed`, `budget-exhausted`, `cancelled`); a crash gives `error` with
 * its message and stack. Never throws for what happens inside the loop. The sandbox and the work copy are
 * disposed before returning, whatever happened. Every model and tool call goes to `deps.trace`; progress to
 * `deps.onEvent`.
 *
 * @param signal  aborting it cancels the run (outcome `cancelled`, best attempt still reported, nothing published)
 */
export async function runFix(task: Task, config: RunConfig, deps: LoopDeps, signal?: AbortSignal): Promise<RunResult> {
  const ctx = new RunContext(task, config, deps, signal);
  const state = createRunState();
  let stop: LoopStop;
  let result: RunResult;
  try {
    try {
      await ctx.phase("intake", undefined, () => intakePhase(ctx));
      const workspace = await ctx.phase("explore", undefined, () => openWorkspacePhase(ctx));
      state.workspace = workspace;
      const explored = await ctx.phase("explore", undefined, () => explorePhase(ctx, workspace));
      state.facts = explored.facts;
      state.baseManifests = explored.baseManifests;
      if (explored.testCommand) state.testCommand = explored.testCommand;
      if (explored.npmTestScript) state.npmTestScript = explored.npmTestScript;
      const unrunnable =
        (await ctx.phase("environment", undefined, () => environmentPhase(ctx, state))) ??
        (state.testCommand ? await checkBaseTests(ctx, state, state.testCommand) : undefined);
      if (unrunnable) {
        stop = unrunnable;
      } else {
        await ctx.phase("plan", undefined, () => planPhase(ctx, state));
        state.originals = await readOriginals(ctx, state);
        stop = await attemptsPhase(ctx, state);
      }
    } catch (error) {
      stop = stopFor(ctx, error);
    }
    try {
      result = await finishResult(ctx, state, stop, assembleResult(ctx, state, stop));
    } catch (error) {
      result = assembleResult(ctx, state, stopFor(ctx, error));
    }
  } finally {
    await disposeRunResources(ctx, state);
  }
  result.usage = ctx.usageReport();
  result.timings = ctx.timingsReport();
  ctx.emit({ type: "done", outcome: result.outcome, reason: result.reason });
  return result;
}

/**
 * Runs the tests on the base commit once and classifies the run (see `classifyBaseRun`). When they could not run
 * at all, returns the stop that ends the job with `environment-error` before any model call.
 */
async function checkBaseTests(ctx: RunContext, state: RunState, command: string): Promise<LoopStop | undefined> {
  const before = await ctx.phase("test", undefined, () => runTests(ctx, state, command, "before"), "base commit");
  state.before = before;
  const health = classifyBaseRun(before, (state.facts?.testFiles.length ?? 0) > 0);
  state.baseHealth = health;
  ctx.world.addFact("tests on the base commit", health.status);
  if (health.status !== "could-not-run") return undefined;
  ctx.emit({ type: "log", level: "error", message: `the tests cannot run on the base commit: ${health.reason}` });
  return {
    kind: "environment",
    reason:
      `The tests could not run on the base commit: ${health.reason}. Nothing was asked of the model; fix the ` +
      `environment (setup command, dependencies) or the test command (\`${command}\`) and run again.`,
  };
}

/** Aggregate and publish: files changed, PR draft, branch. Skipped parts after a cancel or a crash. */
async function finishResult(ctx: RunContext, state: RunState, stop: LoopStop, result: RunResult): Promise<RunResult> {
  const best = bestRecord(state);
  const workspace = state.workspace;
  if (!best?.result.snapshot || !workspace || stop.kind === "error") return result;
  await workspace.restore(best.result.snapshot);
  state.filesChanged = await workspace.changedFiles();
  const withFiles: RunResult = { ...result, filesChanged: state.filesChanged };
  const useModel = stop.kind !== "cancelled" && stop.kind !== "budget";
  const pullRequest = await ctx.phase("aggregate", undefined, () => aggregatePhase(ctx, state, withFiles, useModel));
  if (!pullRequest) return withFiles;
  const done: RunResult = { ...withFiles, pullRequest };
  if (stop.kind === "cancelled") return done;
  const published = await ctx.phase("publish", undefined, () => publishPhase(ctx, state, pullRequest.title));
  return published ? { ...done, branch: published.branch, headSha: published.headSha } : done;
}
