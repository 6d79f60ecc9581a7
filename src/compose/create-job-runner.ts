import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { AGENT_IDS, analyzeRootCause, DEFAULT_ROSTER, getRosterEntry } from "../agents/index.js";
import type {
  AnalyzeFailureInput,
  FixFailureInput,
  FixJobInput,
  JobRunner,
  ReviewJobInput,
  ReviewJobResult,
} from "../app/job-runner.js";
import type { RootCauseAnalysis } from "../core/finding.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import { runFix } from "../loop/run-fix.js";
import { createEngine, type Engine, type EngineOptions } from "./create-engine.js";
import { reviewPullRequestChange } from "./review-change-job.js";

/** Options of {@link createJobRunner}. */
export interface JobRunnerOptions extends EngineOptions {
  /** Folder for per-job traces (`<id>.jsonl`). */
  traceDir: string;
  /** Prebuilt engine (tests, or a process that shares one); otherwise one is created from the options. */
  engine?: Engine;
}

/** Cap on the failing log passed to the debugger, characters (the tail is kept: that is where errors are). */
const MAX_LOG_CHARS = 12_000;

function traceFile(traceDir: string, id: string): string {
  return join(traceDir, `${id.replace(/[^A-Za-z0-9._-]+/g, "_")}.jsonl`);
}

/**
 * The real engine behind the GitHub App and the Action: `fix` runs the whole loop in the job's clone,
 * `review` runs the tester and the adversarial reviewer on a pull request's change, `analyzeFailure` asks the
 * debugger for a five-whys analysis of a failing check's log, and `fixFailure` runs the loop seeded with that
 * analysis. One engine (one loaded model) serves every job of the process.
 *
 * Per-agent model names from `.github/tanuki.yml` (`models`) are not applied per job yet: the engine's backend
 * decides (node-llama-cpp: one base model with each agent's LoRA adapter; OpenAI-compatible: the operator's
 * `TANUKI_OPENAI_MODELS` map).
 */
export async function createJobRunner(options: JobRunnerOptions): Promise<JobRunner & { dispose(): Promise<void> }> {
  const engine = options.engine ?? (await createEngine(options));
  await mkdir(options.traceDir, { recursive: true });

  async function fixWith(input: FixJobInput, task: Task): Promise<RunResult> {
    const { deps, closeTrace } = engine.depsFor({
      tracePath: traceFile(options.traceDir, task.id),
      onEvent: input.onEvent,
    });
    try {
      return await runFix({ ...task, repoPath: input.repoDir }, input.config, deps, input.signal);
    } finally {
      await closeTrace();
    }
  }

  return {
    fix: (input) => fixWith(input, input.task),

    review: (input: ReviewJobInput): Promise<ReviewJobResult> =>
      reviewPullRequestChange(engine, {
        repoDir: input.repoDir,
        headSha: input.headSha,
        diff: input.diff,
        config: input.config,
        signal: input.signal,
      }),

    async analyzeFailure(input: AnalyzeFailureInput): Promise<RootCauseAnalysis> {
      const log = input.log.length <= MAX_LOG_CHARS ? input.log : input.log.slice(-MAX_LOG_CHARS);
      const answer = await analyzeRootCause(
        engine.model,
        getRosterEntry(DEFAULT_ROSTER, AGENT_IDS.debugger),
        {
          issue: { title: `The check "${input.checkName}" failed`, body: "Find why the check failed, from its log." },
          attempt: 1,
          diff: "",
          tests: { command: input.checkName, exitCode: 1, durationMs: 0, timedOut: false, outputTail: log },
          findings: [],
          editProblems: [],
          earlier: [],
        },
        input.signal,
      );
      return answer.value;
    },

    fixFailure: (input: FixFailureInput) =>
      fixWith(input, {
        ...input.task,
        issue: {
          ...input.task.issue,
          body: [
            input.task.issue.body,
            `The check "${input.checkName}" fails. Root cause (five whys): ${input.rca.rootCause}`,
            `Log tail:\n${input.log.slice(-4_000)}`,
          ].join("\n\n"),
        },
        instructions: [input.task.instructions, input.rca.nextAttemptAdvice].filter(Boolean).join("\n"),
      }),

    dispose: () => engine.dispose(),
  };
}
