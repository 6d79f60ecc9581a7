import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunConfig } from "../config/run-config.js";
import type { RunResult } from "../core/run-result.js";
import type { EvalEnvironments } from "./environments.js";
import type { EvalResult } from "./eval-result.js";
import type { EvalInstance } from "./instance.js";
import type { RepoSource } from "./repo-source.js";
import { type ScoreDeps, type ScoreOutcome, scorePatch } from "./score-patch.js";
import { type LoopDepsFactory, solveInstance } from "./solve-instance.js";
import { instanceLanguage } from "./test-plan.js";

/** Who proposes each task's patch. */
export type PatchSource =
  | { kind: "tanuki"; modelName: string; loopDeps: LoopDepsFactory }
  | { kind: "gold" }
  | { kind: "predictions"; patches: ReadonlyMap<string, { model_name_or_path: string; model_patch: string }> };

/** What evaluating one task needs. */
export interface InstanceContext {
  source: PatchSource;
  repos: RepoSource;
  environments: EvalEnvironments;
  /** The run's budgets and sandbox caps (per task); `sandbox.limits.commandTimeoutMs` bounds the scoring tests. */
  config: RunConfig;
  score: ScoreDeps;
  /** Folder of this task's files (pr.md, run.json, trace.jsonl, score.log). */
  taskDir: string;
  /** `taskDir` relative to the results file, as recorded in `runDir`. */
  runDirName: string;
  /** Writes run.json and pr.md of a Tanuki run into a folder (the CLI's writer). */
  writeRunFiles?: (dir: string, result: RunResult) => Promise<unknown>;
  signal?: AbortSignal;
}

/** One evaluated task: its results line and the patch that was scored (for predictions.jsonl). */
export interface InstanceEvaluation {
  result: EvalResult;
  patch: string;
}

/**
 * Evaluates one task: gets its repository and environment, has Tanuki solve it (or takes the gold patch or a
 * prediction), scores the patch in the sandbox, and writes the task's files. Failures become a result with
 * status `error`; a Tanuki run cancelled by `signal` returns undefined (not recorded, so a resumed run redoes it).
 */
export async function evaluateInstance(
  instance: EvalInstance,
  context: InstanceContext,
): Promise<InstanceEvaluation | undefined> {
  const base = {
    instance_id: instance.instance_id,
    repo: instance.repo,
    language: instanceLanguage(instance),
    model_name_or_path: modelName(context.source, instance.instance_id),
    attempts: 0,
    wallMs: 0,
    modelCalls: 0,
    runDir: context.runDirName,
  };
  let patch = "";
  let run: RunResult | undefined;
  try {
    await mkdir(context.taskDir, { recursive: true });
    const repoPath = await context.repos.resolve(instance.repo, instance.base_commit);
    const environment = await context.environments.prepare(instance, repoPath, context.signal);
    const source = context.source;
    if (source.kind === "tanuki") {
      const config: RunConfig = {
        ...context.config,
        sandbox: { ...context.config.sandbox, image: environment.loopImage ?? environment.image },
        ...(environment.setupCommand ? { setupCommand: environment.setupCommand } : {}),
      };
      const solution = await solveInstance(
        instance,
        {
          repoPath,
          config,
          tracePath: join(context.taskDir, "trace.jsonl"),
          scratchRoot: context.score.workRoot,
          ...(context.signal ? { signal: context.signal } : {}),
        },
        source.loopDeps,
      );
      run = solution.result;
      patch = solution.patch;
      await context.writeRunFiles?.(context.taskDir, run);
      if (run.outcome === "cancelled" && context.signal?.aborted) return undefined;
    } else {
      patch = source.kind === "gold" ? instance.patch : (source.patches.get(instance.instance_id)?.model_patch ?? "");
    }
    const score = (candidate: string) =>
      scorePatch(
        {
          instance,
          repoPath,
          patch: candidate,
          environment,
          limits: context.config.sandbox.limits,
          labels: { "tanuki.eval": instance.instance_id },
          ...(context.signal ? { signal: context.signal } : {}),
        },
        context.score,
      );
    const scored = await score(patch);
    // --gold also scores the base commit (a valid task fails there), unless the tests could not run at all.
    const baseRun = source.kind === "gold" && scored.status !== "error" ? await score("") : undefined;
    await writeFile(join(context.taskDir, "score.log"), scoreLog(scored, baseRun));
    return {
      patch,
      result: {
        ...base,
        outcome: outcomeLabel(source),
        ...runFields(run),
        ...verdictFields(scored, patch, baseRun),
        finishedAt: new Date().toISOString(),
      },
    };
  } catch (error) {
    if (context.signal?.aborted) return undefined;
    const message = error instanceof Error ? error.message : String(error);
    return {
      patch,
      result: {
        ...base,
        ...runFields(run),
        resolved: false,
        status: "error",
        outcome: run?.outcome ?? outcomeLabel(context.source),
        error: message,
        finishedAt: new Date().toISOString(),
      },
    };
  }
}

function modelName(source: PatchSource, id: string): string {
  if (source.kind === "tanuki") return source.modelName;
  if (source.kind === "gold") return "gold";
  return source.patches.get(id)?.model_name_or_path ?? "none";
}

function outcomeLabel(source: PatchSource): string {
  return source.kind === "tanuki" ? "error" : source.kind === "gold" ? "gold" : "prediction";
}

/** Fields taken from Tanuki's run (none when Tanuki did not run). */
function runFields(run: RunResult | undefined): Partial<EvalResult> {
  if (!run) return {};
  const byAgent = Object.fromEntries(
    Object.entries(run.usage.byAgent).map(([agent, used]) => [agent, used.promptTokens + used.completionTokens]),
  );
  return {
    outcome: run.outcome,
    tanukiSaysFixed: run.outcome === "fixed",
    attempts: run.attempts.length,
    wallMs: Math.round(run.timings.totalMs),
    tokens: { total: run.usage.promptTokens + run.usage.completionTokens, byAgent },
    modelCalls: run.usage.calls,
  };
}

/** Status, resolution and the harness's verdict from the scoring run(s). */
function verdictFields(
  scored: ScoreOutcome,
  patch: string,
  baseRun: ScoreOutcome | undefined,
): Pick<EvalResult, "resolved" | "status" | "harness" | "baseFails" | "error"> {
  if (baseRun) {
    const baseFails = baseRun.verdict.failToPass.failed.length > 0;
    const valid = scored.resolved && baseFails;
    const why = !scored.resolved
      ? `the gold patch does not resolve the task (${describeFailures(scored)})`
      : !baseFails
        ? "every FAIL_TO_PASS test already passes on the base commit"
        : undefined;
    return {
      resolved: scored.resolved,
      status: valid ? "resolved" : "invalid",
      harness: scored.verdict,
      baseFails,
      ...(why ? { error: why } : {}),
    };
  }
  const status = scored.status === "unresolved" && patch.trim() === "" ? "empty-patch" : scored.status;
  return {
    resolved: scored.resolved,
    status,
    harness: scored.verdict,
    ...(scored.error ? { error: scored.error } : {}),
  };
}

function describeFailures(scored: ScoreOutcome): string {
  if (scored.error) return scored.error;
  if (!scored.verdict.patchApplied) return "it does not apply";
  const failed = [...scored.verdict.failToPass.failed, ...scored.verdict.passToPass.failed];
  return `${failed.length} listed test(s) do not pass`;
}

function scoreLog(scored: ScoreOutcome, baseRun: ScoreOutcome | undefined): string {
  const part = (title: string, outcome: ScoreOutcome) =>
    `## ${title}: ${outcome.status}\n${JSON.stringify(outcome.verdict, null, 2)}\n\n${outcome.log}\n`;
  return [part("patch", scored), ...(baseRun ? [part("base commit (empty patch)", baseRun)] : [])].join("\n");
}
