import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { RunEventListener } from "../core/events.js";
import type { RootCauseAnalysis } from "../core/finding.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import type {
  AnalyzeFailureInput,
  FixFailureInput,
  FixJobInput,
  JobRunner,
  ReviewJobInput,
  ReviewJobResult,
} from "../jobs/job-runner.js";
import { chooseAgentModels } from "../llm/agent-model-choice.js";
import type { ChatModel } from "../llm/chat-model.js";
import { analyzeFailure, failureRepairTask } from "../loop/analyze-failure.js";
import type { LoopDeps } from "../loop/loop-deps.js";
import { runFix } from "../loop/run-fix.js";
import { runReview } from "../loop/run-review.js";
import { createEngine, type Engine, type EngineOptions } from "./create-engine.js";

/**
 * Options of {@link createJobRunner}: where traces go, and either a prebuilt engine (tests, or a process that shares
 * one) or the options to build one.
 */
export type JobRunnerOptions = { traceDir: string } & ({ engine: Engine } | EngineOptions);

function traceFile(traceDir: string, id: string): string {
  return join(traceDir, `${id.replace(/[^A-Za-z0-9._-]+/g, "_")}.jsonl`);
}

/**
 * The engine's model with a job's per-agent model choice applied (see {@link chooseAgentModels}). Choices the
 * backend cannot honour are reported once, as a `log` event of level `warn`, and the job goes on without them.
 */
export function jobModel(
  model: ChatModel,
  requested: Readonly<Record<string, string>>,
  onEvent: RunEventListener | undefined,
): ChatModel {
  const choice = chooseAgentModels(model, requested);
  if (choice.ignored.length > 0) {
    const list = choice.ignored.map(([agent, name]) => `${agent} → ${name}`).join(", ");
    onEvent?.({
      type: "log",
      level: "warn",
      message:
        `Ignored the models requested in .github/tanuki.yml for ${list}: this engine runs one local model ` +
        `(${model.name}) and serves every agent from it with that agent's LoRA adapter. Per-agent models need ` +
        "an OpenAI-compatible backend.",
      elapsedMs: 0,
    });
  }
  return choice.model;
}

/**
 * The real engine behind the GitHub App and the Action: `fix` runs the whole loop in the job's clone,
 * `review` runs the tester and the adversarial reviewer on a pull request's change, `analyzeFailure` asks the
 * debugger for a five-whys analysis of a failing check's log, and `fixFailure` runs the loop seeded with that
 * analysis. One engine (one loaded model) serves every job of the process.
 *
 * Each job's per-agent model names (`models`, from `.github/tanuki.yml`) apply to that job only: with the
 * OpenAI-compatible backend they override the operator's `TANUKI_OPENAI_MODELS` map for those agents (a view of
 * the shared model, see `OpenAICompatibleModel.withModels`); the local node-llama-cpp backend serves every agent
 * from its one base model with the agent's LoRA adapter, so there the choice is ignored and reported with one
 * `log` event (level `warn`) through the job's `onEvent`.
 *
 * Every use-case is the loop's (`runFix`, `runReview`, `analyzeFailure`): this only wires the engine, one trace file
 * per job (`<traceDir>/<id>.jsonl`) and the job's model choice into them.
 */
export async function createJobRunner(options: JobRunnerOptions): Promise<JobRunner & { dispose(): Promise<void> }> {
  const engine = "engine" in options ? options.engine : await createEngine(options);
  await mkdir(options.traceDir, { recursive: true });

  /** Loop dependencies for one job: its trace file, its listener, its per-agent model choice. */
  function jobDeps(id: string, input: { onEvent?: RunEventListener; models: Record<string, string> }) {
    return engine.depsFor({
      tracePath: traceFile(options.traceDir, id),
      onEvent: input.onEvent,
      model: jobModel(engine.model, input.models, input.onEvent),
    });
  }

  async function withDeps<T>(
    id: string,
    input: { onEvent?: RunEventListener; models: Record<string, string> },
    use: (deps: LoopDeps) => Promise<T>,
  ): Promise<T> {
    const { deps, closeTrace } = jobDeps(id, input);
    try {
      return await use(deps);
    } finally {
      await closeTrace();
    }
  }

  const fixWith = (input: FixJobInput, task: Task): Promise<RunResult> =>
    withDeps(task.id, input, (deps) => runFix({ ...task, repoPath: input.repoDir }, input.config, deps, input.signal));

  return {
    fix: (input) => fixWith(input, input.task),

    review: (input: ReviewJobInput): Promise<ReviewJobResult> =>
      withDeps(input.id, input, async (deps) => {
        const review = await runReview(
          {
            id: input.id,
            repoPath: input.repoDir,
            headSha: input.headSha,
            diff: input.diff,
            ...(input.repository ? { repository: input.repository } : {}),
          },
          input.config,
          deps,
          input.signal,
        );
        return { findings: review.findings, summary: review.summary, ...(review.tests ? { tests: review.tests } : {}) };
      }),

    analyzeFailure: (input: AnalyzeFailureInput): Promise<RootCauseAnalysis> =>
      withDeps(input.id, input, async (deps) => {
        const request = { id: input.id, checkName: input.checkName, log: input.log };
        return (await analyzeFailure(request, input.config, deps, input.signal)).rca;
      }),

    fixFailure: (input: FixFailureInput) => fixWith(input, failureRepairTask(input.task, input)),

    dispose: () => engine.dispose(),
  };
}
