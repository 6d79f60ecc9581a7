import type { FileText, IssueText } from "../agents/shared/prompt-parts.js";
import type { RepoFacts } from "../context/repo-facts.js";
import type { EnvironmentReport } from "../core/environment-report.js";
import type { RootCauseAnalysis } from "../core/finding.js";
import type { PlanDecision } from "../core/plan.js";
import type { BaseHealth } from "../core/proof.js";
import type { AttemptResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import type { TestReport } from "../core/test-report.js";
import type { PreparedEnvironment } from "../environment/environment.js";
import type { Sandbox } from "../sandbox/sandbox.js";
import type { Workspace } from "../workspace/workspace.js";
import { BestSnapshotKeeper } from "./score.js";

/** One finished attempt with what the loop needs beyond the reported AttemptResult. */
export interface AttemptRecord {
  result: AttemptResult;
  /** True when this attempt's state contains a test the tester added or updated (in this or an earlier attempt). */
  testAdded: boolean;
  /** True when the attempt met the success bar (see `isSuccess`). */
  succeeded: boolean;
  editSignature: string;
  failureSignature?: string;
}

/** What the phases of one run build up. Owned by `runFix`; phases read and extend it. */
export interface RunState {
  workspace?: Workspace;
  sandbox?: Sandbox;
  /** Image and environment variables of every command after the environment phase. */
  environment?: PreparedEnvironment;
  /** What the environment phase did (reported in the RunResult). */
  environmentReport?: EnvironmentReport;
  facts?: RepoFacts;
  /** Test command in use (configured, else detected); undefined when none is known. */
  testCommand?: string;
  /** The base commit's `scripts.test` from package.json (what `npm test` runs), when there is one. */
  npmTestScript?: string;
  /** Base-commit content of the root manifests that mix test configuration in (package.json, pyproject.toml, …). */
  baseManifests: Record<string, string>;
  /** Tests on the base commit (run once). */
  before?: TestReport;
  /** What the base run says about the environment (set with `before`). */
  baseHealth?: BaseHealth;
  plan?: PlanDecision;
  /** Base-commit content of the files the tester may see (spec-anchored tests never see the new code). */
  originals: FileText[];
  attempts: AttemptRecord[];
  rcas: RootCauseAnalysis[];
  /** Paths the best attempt changed (set when the result is finished). */
  filesChanged: string[];
  keeper: BestSnapshotKeeper;
}

/** A fresh state. */
export function createRunState(): RunState {
  return {
    baseManifests: {},
    originals: [],
    attempts: [],
    rcas: [],
    filesChanged: [],
    keeper: new BestSnapshotKeeper(),
  };
}

/** The record of the best attempt (snapshot protection), if any attempt finished. */
export function bestRecord(state: RunState): AttemptRecord | undefined {
  const best = state.keeper.best;
  return best ? state.attempts.find((record) => record.result.attempt === best.attempt) : undefined;
}

/** The workspace, which every phase after explore needs. @throws Error when called before it is opened */
export function requireWorkspace(state: RunState): Workspace {
  if (!state.workspace) throw new Error("workspace is not open yet");
  return state.workspace;
}

/** The task's issue and instructions as agents receive them. */
export function issueText(task: Task): IssueText {
  return {
    title: task.issue.title,
    body: task.issue.body,
    ...(task.issue.number !== undefined ? { number: task.issue.number } : {}),
    ...(task.instructions !== undefined ? { instructions: task.instructions } : {}),
  };
}
