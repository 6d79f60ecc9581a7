import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { AGENT_IDS, DEFAULT_ROSTER, fitRosterToContext, getRosterEntry, RCA_TASK, runAgent } from "../agents/index.js";
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
 * from its one base model with the agent's LoRA adapter, so there the choice is ignored and `fix`, `review` and
 * `fixFailure` report it with one `log` event (level `warn`) through the job's `onEvent` (`analyzeFailure` has no
 * listener and ignores it silently).
 */
export async function createJobRunner(options: JobRunnerOptions): Promise<JobRunner & { dispose(): Promise<void> }> {
  const engine = options.engine ?? (await createEngine(options));
  await mkdir(options.traceDir, { recursive: true });

  async function fixWith(input: FixJobInput, task: Task): Promise<RunResult> {
    const { deps, closeTrace } = engine.depsFor({
      tracePath: traceFile(options.traceDir, task.id),
      onEvent: input.onEvent,
      model: jobModel(engine.model, input.models, input.onEvent),
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
        model: jobModel(engine.model, input.models, input.onEvent),
      }),

    async analyzeFailure(input: AnalyzeFailureInput): Promise<RootCauseAnalysis> {
      const log = input.log.slice(-MAX_LOG_CHARS);
      const model = jobModel(engine.model, input.models, undefined);
      const answer = await runAgent(
        model,
        getRosterEntry(fitRosterToContext(DEFAULT_ROSTER, model.contextSize), AGENT_IDS.debugger),
        RCA_TASK,
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
