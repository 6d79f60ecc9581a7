import { REVIEW_TASK } from "../agents/reviewer/review-task.js";
import { AGENT_IDS } from "../agents/roster.js";
import { runAgent } from "../agents/shared/run-agent.js";
import type { RunConfig } from "../config/run-config.js";
import type { EnvironmentReport } from "../core/environment-report.js";
import type { Finding, ReviewVerdict } from "../core/finding.js";
import type { RunResult } from "../core/run-result.js";
import type { TestReport } from "../core/test-report.js";
import type { LoopDeps } from "./loop-deps.js";
import { environmentPhase } from "./phases/environment.js";
import { explorePhase, openWorkspacePhase } from "./phases/explore.js";
import { runTests } from "./phases/test.js";
import { RunContext } from "./run-context.js";
import { disposeRunResources, rethrowStop } from "./run-resources.js";
import { createRunState } from "./run-state.js";

/** What {@link runReview} reviews: a change already checked out in a clone. */
export interface ReviewRequest {
  /** Id for the trace and the sandbox's label, e.g. `acme-widgets-7-review-3f2a`. */
  id: string;
  /** The clone; it is never modified (a private work copy is opened from it). */
  repoPath: string;
  /** `owner/name`, for the environment cache (a job's clone path differs every time). */
  repository?: string;
  /** Commit under review (its tests run). */
  headSha: string;
  /** Unified diff under review. Untrusted data. */
  diff: string;
  /** Shown to the reviewer as the issue: what the change is. Default: a pull request's change. */
  title?: string;
}

/** What {@link runReview} found. Findings' lines are on the new side of the diff. */
export interface ReviewRunResult {
  findings: Finding[];
  summary: string;
  verdict: ReviewVerdict;
  /** The project's tests on the head commit, when a test command is known (or why the environment failed). */
  tests?: TestReport;
  environment?: EnvironmentReport;
  usage: RunResult["usage"];
  timings: RunResult["timings"];
}

/**
 * The review use-case, beside `runFix`: open a work copy at the head commit, explore it, build its environment,
 * run the project's tests there in the sandbox, then let the adversarial reviewer attack the diff with those real
 * results. Every model and tool call is traced (`deps.trace`), progress goes to `deps.onEvent` (phases, tests), and
 * the run's budgets (wall clock, tokens) apply. The sandbox and the work copy are disposed before returning.
 *
 * @throws BudgetExhaustedError when the wall clock or the tokens run out; CancelledError on `signal`;
 *   ModelError, SandboxError, GitError as they happen
 */
export async function runReview(
  request: ReviewRequest,
  config: RunConfig,
  deps: LoopDeps,
  signal?: AbortSignal,
): Promise<ReviewRunResult> {
  const task = {
    id: request.id,
    kind: "review" as const,
    repoPath: request.repoPath,
    baseSha: request.headSha,
    ...(request.repository ? { repository: request.repository } : {}),
    issue: {
      title: request.title ?? `Review of ${request.headSha.slice(0, 12)}`,
      body: "Review this pull request's change for defects before it is merged.",
    },
  };
  const ctx = new RunContext(task, config, deps, signal);
  const state = createRunState();
  try {
    const workspace = await ctx.phase("explore", undefined, () => openWorkspacePhase(ctx));
    state.workspace = workspace;
    const explored = await ctx.phase("explore", undefined, () => explorePhase(ctx, workspace));
    state.facts = explored.facts;
    if (explored.npmTestScript) state.npmTestScript = explored.npmTestScript;
    const command = explored.testCommand;
    let tests: TestReport | undefined;
    if (command) {
      const failed = await ctx.phase("environment", undefined, () => environmentPhase(ctx, state));
      tests = failed
        ? environmentFailureReport(command, state.environmentReport)
        : await ctx.phase("test", undefined, () => runTests(ctx, state, command, "after", undefined, "head commit"));
    }
    const answer = await ctx.phase("review", undefined, () =>
      runAgent(
        ctx.model,
        ctx.agent(AGENT_IDS.reviewer),
        REVIEW_TASK,
        {
          issue: task.issue,
          diff: request.diff,
          ...(command ? { testCommand: command } : {}),
          ...(tests ? { after: tests } : {}),
        },
        ctx.signal,
      ),
    );
    for (const finding of answer.value.findings) {
      ctx.emit({ type: "finding", attempt: 1, severity: finding.severity, file: finding.file, line: finding.line });
    }
    return {
      findings: answer.value.findings,
      summary: answer.value.summary,
      verdict: answer.value.verdict,
      ...(tests ? { tests } : {}),
      ...(state.environmentReport ? { environment: state.environmentReport } : {}),
      usage: ctx.usageReport(),
      timings: ctx.timingsReport(),
    };
  } catch (error) {
    return rethrowStop(ctx, error);
  } finally {
    await disposeRunResources(ctx, state);
  }
}

/** The head commit's "test report" when its environment could not be built: the reviewer and the check see why. */
function environmentFailureReport(command: string, env: EnvironmentReport | undefined): TestReport {
  return {
    command: env?.command ?? command,
    exitCode: env?.exitCode ?? 1,
    durationMs: env?.durationMs ?? 0,
    timedOut: env?.problem === "timeout",
    outputTail: `The environment could not be built: ${env?.message ?? ""}\n${env?.logTail ?? ""}`,
  };
}
