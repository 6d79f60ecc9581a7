import type { RunConfig } from "../config/run-config.js";
import type { RunEventListener } from "../core/events.js";
import type { Finding, RootCauseAnalysis } from "../core/finding.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import type { TestReport } from "../core/test-report.js";

/** Settings every job carries: the run configuration (repository config mapped onto the operator's) and models. */
export interface JobSettings {
  config: RunConfig;
  /** Model per agent from `.github/tanuki.yml` (`tanuki-reviewer` → model name); empty = the operator's defaults. */
  models: Record<string, string>;
  /** Progress events (rendered into the status comment and check run). Must not throw. */
  onEvent: RunEventListener;
  /** Aborted by `/tanuki cancel`, a newer push, or shutdown. */
  signal: AbortSignal;
}

/** Input of {@link JobRunner.fix}: fix an issue (or address a pull request's findings) in a clone. */
export interface FixJobInput extends JobSettings {
  /** Absolute path of Tanuki's clone, checked out at `task.baseSha`. The loop adds `task.branchName` to it. */
  repoDir: string;
  task: Task;
}

/** Input of {@link JobRunner.review}: review the change `baseSha..headSha`. */
export interface ReviewJobInput extends JobSettings {
  /** The job's id: names its trace and labels its sandbox. */
  id: string;
  /** `owner/name`, for the environment cache. */
  repository?: string;
  repoDir: string;
  baseSha: string;
  /** Checked out in `repoDir`. */
  headSha: string;
  /** Unified diff under review (only what changed since the last reviewed SHA on a later push). */
  diff: string;
}

/** Result of {@link JobRunner.review}. Findings' lines are on the new side of `diff`. */
export interface ReviewJobResult {
  findings: Finding[];
  summary: string;
  /** The tester's run of the project's tests on `headSha`, when it ran. */
  tests?: TestReport;
}

/** Input of {@link JobRunner.analyzeFailure}: root-cause analysis of a failing check from its log (no clone needed). */
export interface AnalyzeFailureInput extends JobSettings {
  /** The job's id: names its trace. */
  id: string;
  /** Log text of the failing check (its tail is analysed). Untrusted data. */
  log: string;
  checkName: string;
}

/**
 * Input of {@link JobRunner.fixFailure}: repair a failing check, starting from the analysis. The runner adds the
 * analysis and the log's tail to `task` (once); the job gives the task its title, branch and pinned commit only.
 */
export interface FixFailureInput extends FixJobInput {
  log: string;
  checkName: string;
  rca: RootCauseAnalysis;
}

/**
 * The engine as the GitHub App sees it. The real implementation wires `runFix` and the agents (composition
 * root); tests use a scripted runner. Expected outcomes are values (`RunResult.outcome`); a thrown error is a
 * failure, and an `AbortSignal` abort may surface as `outcome: "cancelled"` or as a thrown abort error.
 */
export interface JobRunner {
  /** Run the fix loop; on success `RunResult.branch`/`headSha` name a branch in `repoDir` and `pullRequest` the PR. */
  fix(input: FixJobInput): Promise<RunResult>;
  /** Run the reviewer and tester on a change. */
  review(input: ReviewJobInput): Promise<ReviewJobResult>;
  /** Five-whys analysis of a failing check's log. */
  analyzeFailure(input: AnalyzeFailureInput): Promise<RootCauseAnalysis>;
  /** Fix loop seeded with a failing check's log and its analysis. */
  fixFailure(input: FixFailureInput): Promise<RunResult>;
}
