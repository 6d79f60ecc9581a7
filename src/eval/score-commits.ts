import type { TestStatus } from "../core/test-report.js";
import type { InstanceEnvironment } from "./environments.js";
import type { EvalInstance } from "./instance.js";
import { type ScoreDeps, scorePatch } from "./score-patch.js";
import { listedTestPassed, resultsForListed } from "./test-cases.js";

/** Two commits of one repository whose test results are compared (`base` before, `head` after). */
export interface CommitsRequest {
  /** Repository holding both commits (only read: each run gets a fresh work copy). */
  repoPath: string;
  /** Full SHA of the commit before the change. */
  base: string;
  /** Full SHA of the commit with the change. */
  head: string;
  /**
   * Test command (a task's `test_cmd`: per-test results as JUnit XML in `$TANUKI_RESULTS/junit.xml`); default:
   * the eval's runner for `language` on the whole repository (pytest, node/vitest/mocha/jest, go test, cargo test).
   */
  testCommand?: string;
  /** python, javascript, typescript, go, rust, …; default python (SWE-bench's default runner). */
  language?: string;
  environment: InstanceEnvironment;
  limits: ScoreRequestLimits;
  /** Told before each run: which commit. */
  onRun?: (which: "base" | "head", sha: string) => void;
  signal?: AbortSignal;
}

type ScoreRequestLimits = Parameters<typeof scorePatch>[0]["limits"];

/** What a test did at one commit: its status, or `not run` (absent from that run's results). */
export type CommitTestStatus = TestStatus | "not run";

/** One commit's test run. */
export interface CommitRun {
  sha: string;
  command: string;
  /** Exit code of the test command; absent when it did not finish (see `error`). */
  exitCode?: number;
  passed: number;
  failed: number;
  /** Why the run gave no per-test results (e.g. time limit, no runner). */
  error?: string;
}

/** The two runs compared test by test (ids as the runner's results spell them, sorted). */
export interface CommitsScore {
  verdict: "improved" | "regressed" | "unchanged" | "no-tests";
  base: CommitRun;
  head: CommitRun;
  /** Every test seen in either run, with its status at each commit. */
  tests: { id: string; before: CommitTestStatus; after: CommitTestStatus }[];
  /** Failing (or absent) at base, passing at head: what the change fixed or added (SWE-bench's FAIL_TO_PASS). */
  failToPass: string[];
  /** Passing at base, not passing (or gone) at head. */
  passToFail: string[];
  passToPass: string[];
  /** Not passing at either commit. */
  failToFail: string[];
}

/**
 * Scores a change the way `tanuki eval` scores a patch: {@link scorePatch} runs the tests (one runner, one result
 * parser) in a sandbox with no network, in a fresh work copy at `base` and another at `head`, and each test's
 * pass/fail follows SWE-bench's rule (`listedTestPassed`). Verdict: `regressed` when any test went pass→fail,
 * else `improved` when any went fail→pass, else `unchanged`; `no-tests` when neither run reported a test.
 *
 * @throws SandboxError when the sandbox cannot be created; GitError when a commit cannot be checked out;
 *   CancelledError on abort
 */
export async function scoreCommits(request: CommitsRequest, deps: ScoreDeps): Promise<CommitsScore> {
  const run = async (which: "base" | "head", sha: string) => {
    request.onRun?.(which, sha);
    const instance: EvalInstance = {
      instance_id: `mcp-${which}-${sha.slice(0, 12)}`,
      repo: "local/repository",
      base_commit: sha,
      problem_statement: `tests at ${which}`,
      patch: "",
      test_patch: "",
      FAIL_TO_PASS: [],
      PASS_TO_PASS: [],
      ...(request.language ? { language: request.language } : {}),
      ...(request.testCommand ? { test_cmd: request.testCommand } : {}),
    };
    return scorePatch(
      {
        instance,
        repoPath: request.repoPath,
        patch: "",
        environment: request.environment,
        limits: request.limits,
        labels: { "tanuki.eval": instance.instance_id },
        ...(request.signal ? { signal: request.signal } : {}),
      },
      deps,
    );
  };
  const before = await run("base", request.base);
  const after = await run("head", request.head);
  const ids = [...new Set([...before.cases, ...after.cases].map((c) => c.id))].sort();
  const status = (id: string, cases: typeof before.cases): CommitTestStatus => {
    const found = resultsForListed(id, cases);
    if (found.length === 0) return "not run";
    return listedTestPassed(id, cases) ? "passed" : (found.find((c) => c.status !== "passed")?.status ?? "failed");
  };
  const tests = ids.map((id) => ({ id, before: status(id, before.cases), after: status(id, after.cases) }));
  const pick = (was: boolean, is: boolean) =>
    tests.filter((t) => (t.before === "passed") === was && (t.after === "passed") === is).map((t) => t.id);
  const failToPass = pick(false, true);
  const passToFail = pick(true, false);
  const commitRun = (sha: string, outcome: typeof before): CommitRun => {
    const finished = outcome.verdict.testExitCode !== undefined;
    return {
      sha,
      command: outcome.verdict.testCommand ?? request.testCommand ?? "",
      ...(finished ? { exitCode: outcome.verdict.testExitCode } : {}),
      passed: outcome.cases.filter((c) => c.status === "passed").length,
      failed: outcome.cases.filter((c) => c.status === "failed" || c.status === "error").length,
      ...(outcome.cases.length === 0
        ? { error: `no per-test results: ${outcome.log.trim().split("\n").slice(-5).join(" ").slice(-500)}` }
        : {}),
    };
  };
  return {
    verdict:
      ids.length === 0
        ? "no-tests"
        : passToFail.length > 0
          ? "regressed"
          : failToPass.length > 0
            ? "improved"
            : "unchanged",
    base: commitRun(request.base, before),
    head: commitRun(request.head, after),
    tests,
    failToPass,
    passToFail,
    passToPass: pick(true, true),
    failToFail: pick(false, false),
  };
}
