import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { RootCauseAnalysis } from "../../src/core/finding.js";
import type { RunResult } from "../../src/core/run-result.js";
import type {
  AnalyzeFailureInput,
  FixFailureInput,
  FixJobInput,
  JobRunner,
  ReviewJobInput,
  ReviewJobResult,
} from "../../src/jobs/job-runner.js";
import { git } from "./app-git.js";

type Calls = {
  fix: FixJobInput;
  review: ReviewJobInput;
  analyzeFailure: AnalyzeFailureInput;
  fixFailure: FixFailureInput;
};

/** Scripted answers; a missing one makes the call throw (the test did not expect it). */
export interface RunnerScript {
  fix?: (input: FixJobInput) => Promise<RunResult> | RunResult;
  review?: (input: ReviewJobInput) => Promise<ReviewJobResult> | ReviewJobResult;
  analyzeFailure?: (input: AnalyzeFailureInput) => Promise<RootCauseAnalysis> | RootCauseAnalysis;
  fixFailure?: (input: FixFailureInput) => Promise<RunResult> | RunResult;
}

/** A {@link JobRunner} for orchestration tests: answers from a script and records every call. */
export class ScriptedJobRunner implements JobRunner {
  readonly calls: { [K in keyof Calls]: Calls[K][] } = { fix: [], review: [], analyzeFailure: [], fixFailure: [] };
  private readonly waiters: { kind: keyof Calls; resolve: (input: unknown) => void }[] = [];

  constructor(public script: RunnerScript = {}) {}

  /** Resolves with the input of the next call of `kind` (or the latest, if one already happened and `past`). */
  next<K extends keyof Calls>(kind: K): Promise<Calls[K]> {
    return new Promise((resolve) => this.waiters.push({ kind, resolve: resolve as (input: unknown) => void }));
  }

  fix(input: FixJobInput) {
    return this.answer("fix", input, this.script.fix);
  }
  review(input: ReviewJobInput) {
    return this.answer("review", input, this.script.review);
  }
  analyzeFailure(input: AnalyzeFailureInput) {
    return this.answer("analyzeFailure", input, this.script.analyzeFailure);
  }
  fixFailure(input: FixFailureInput) {
    return this.answer("fixFailure", input, this.script.fixFailure);
  }

  private async answer<K extends keyof Calls, R>(
    kind: K,
    input: Calls[K],
    fn?: (input: Calls[K]) => Promise<R> | R,
  ): Promise<R> {
    (this.calls[kind] as Calls[K][]).push(input);
    for (const waiter of this.waiters.filter((w) => w.kind === kind)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(input);
    }
    if (!fn) throw new Error(`ScriptedJobRunner: unexpected ${kind} call`);
    return fn(input);
  }
}

/**
 * Do what the loop's publish step does in the clone: commit `files` on top of `baseSha` on `branch`.
 * @returns the new commit's SHA
 */
export function commitOnBranch(
  repoDir: string,
  baseSha: string,
  branch: string,
  files: Record<string, string>,
): string {
  git(repoDir, "checkout", "--quiet", "-B", branch, baseSha);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(repoDir, path)), { recursive: true });
    writeFileSync(join(repoDir, path), content);
  }
  git(repoDir, "add", "-A");
  git(
    repoDir,
    "-c",
    "user.name=Tanuki",
    "-c",
    "user.email=tanuki@example.com",
    "commit",
    "--quiet",
    "-m",
    "tanuki fix",
  );
  return git(repoDir, "rev-parse", "HEAD");
}

/** A complete RunResult with sensible empty values, overridden by `patch`. */
export function runResult(patch: Partial<RunResult> & Pick<RunResult, "outcome" | "baseSha">): RunResult {
  return {
    taskId: "test",
    reason: patch.outcome === "fixed" ? "tests pass and the reviewer approved" : "tests still fail",
    attempts: [],
    findings: [],
    rcas: [],
    filesChanged: [],
    usage: { promptTokens: 0, completionTokens: 0, calls: 0, byAgent: {} },
    timings: { totalMs: 1_000 },
    ...patch,
  };
}

/** Resolves when `signal` aborts (for runners that block until cancelled). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
