import { RCA_TASK } from "../agents/debugger/rca-task.js";
import { AGENT_IDS } from "../agents/roster.js";
import { runAgent } from "../agents/shared/run-agent.js";
import type { RunConfig } from "../config/run-config.js";
import { ConfigError } from "../core/errors.js";
import type { RootCauseAnalysis } from "../core/finding.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import type { LoopDeps } from "./loop-deps.js";
import { RunContext } from "./run-context.js";
import { disposeRunResources, rethrowStop } from "./run-resources.js";

/** Most characters of a failing log given to the debugger (the tail: that is where errors show). */
export const MAX_ANALYSED_LOG_CHARS = 12_000;
/** Most characters of a failing log put into the repair's task description (its tail). */
export const MAX_REPAIR_LOG_CHARS = 4_000;

/** A failing check, as {@link analyzeFailure} reads it: its name and its log. */
export interface FailureRequest {
  /** Id for the trace, e.g. `acme-widgets-7-failing-check-3f2a`. */
  id: string;
  checkName: string;
  /** The check's log (any length; the tail is analysed). Untrusted data. */
  log: string;
}

/** What {@link analyzeFailure} needs: a model, a trace and the run's listeners; no repository, sandbox or clone. */
export type FailureAnalysisDeps = Pick<LoopDeps, "model" | "trace" | "onEvent" | "now" | "roster" | "briefingTokens">;

/** The analysis with what it cost. */
export interface FailureAnalysis {
  rca: RootCauseAnalysis;
  usage: RunResult["usage"];
  timings: RunResult["timings"];
}

/**
 * The failure-analysis use-case, beside `runFix`: the debugger's five-whys root-cause analysis of a failing check
 * from the tail of its log. It reads nothing else, so no clone, work copy or sandbox is made. Traced, with the
 * run's budgets and events (phase `rca`), like every loop use-case.
 *
 * @throws BudgetExhaustedError, CancelledError, ModelError (an invalid answer after its repair call included)
 */
export async function analyzeFailure(
  request: FailureRequest,
  config: RunConfig,
  deps: FailureAnalysisDeps,
  signal?: AbortSignal,
): Promise<FailureAnalysis> {
  const task: Task = {
    id: request.id,
    kind: "failure-analysis",
    repoPath: "",
    issue: { title: `The check "${request.checkName}" failed`, body: "Find why the check failed, from its log." },
  };
  const ctx = new RunContext(task, config, { ...deps, ...NO_REPOSITORY }, signal);
  try {
    const answer = await ctx.phase("rca", 1, () =>
      runAgent(
        ctx.model,
        ctx.agent(AGENT_IDS.debugger),
        RCA_TASK,
        {
          issue: task.issue,
          attempt: 1,
          diff: "",
          tests: {
            command: request.checkName,
            exitCode: 1,
            durationMs: 0,
            timedOut: false,
            outputTail: request.log.slice(-MAX_ANALYSED_LOG_CHARS),
          },
          findings: [],
          editProblems: [],
          earlier: [],
        },
        ctx.signal,
      ),
    );
    return { rca: answer.value, usage: ctx.usageReport(), timings: ctx.timingsReport() };
  } catch (error) {
    return rethrowStop(ctx, error);
  } finally {
    await disposeRunResources(ctx, {});
  }
}

/**
 * The task that repairs a failing check: `task` with the analysis and the log's tail as its description and the
 * debugger's advice as its instructions. The one place the analysis goes into a fix.
 */
export function failureRepairTask(
  task: Task,
  failure: { checkName: string; log: string; rca: RootCauseAnalysis },
): Task {
  const { rca } = failure;
  return {
    ...task,
    issue: {
      ...task.issue,
      body: [
        task.issue.body,
        `The check "${failure.checkName}" fails. ${rca.symptom}`,
        `Root cause (five whys):\n${rca.whys.map((why, i) => `${i + 1}. ${why}`).join("\n")}\n\n${rca.rootCause}`,
        `Log tail:\n${failure.log.slice(-MAX_REPAIR_LOG_CHARS)}`,
      ]
        .filter((part) => part.trim() !== "")
        .join("\n\n"),
    },
    instructions: [task.instructions, rca.nextAttemptAdvice].filter(Boolean).join("\n"),
  };
}

/** The ports an analysis never reaches: using one is a programming error, said plainly. */
const NO_REPOSITORY: Pick<LoopDeps, "sandboxes" | "workspaces" | "explorer" | "workRoot"> = {
  sandboxes: { create: unreachable },
  workspaces: { open: unreachable },
  explorer: { explore: unreachable },
  workRoot: "",
};

function unreachable(): never {
  throw new ConfigError("analyzeFailure reads only the failing log: it has no repository, work copy or sandbox");
}
