import { randomUUID } from "node:crypto";
import type { SandboxLimits, SandboxProvider } from "../sandbox/sandbox.js";
import type { WorkspaceProvider } from "../workspace/workspace.js";
import { applyPatch } from "./apply-patch.js";
import type { InstanceEnvironment } from "./environments.js";
import type { HarnessVerdict } from "./eval-result.js";
import type { EvalInstance } from "./instance.js";
import { patchedPaths, withoutPaths } from "./patch-files.js";
import { listedTestPassed, parseTestCases, resultsForListed, type TestCaseResult } from "./test-cases.js";
import { planTests, RESULTS_DIR, type TestPlan } from "./test-plan.js";

/** Ports the scoring run needs: work copies at the base commit and sandboxes with no network. */
export interface ScoreDeps {
  workspaces: WorkspaceProvider;
  sandboxes: SandboxProvider;
  /** Folder under which scoring work copies are made (and removed). */
  workRoot: string;
  /** Monotonic clock, ms. Default `performance.now()`. */
  now?: () => number;
}

/** What to score: one patch for one task, in its environment. */
export interface ScoreRequest {
  instance: EvalInstance;
  /** Repository holding `base_commit` (only read). */
  repoPath: string;
  /** The patch under test (model or gold); empty = the base commit as it is. */
  patch: string;
  environment: InstanceEnvironment;
  /** Sandbox caps; `commandTimeoutMs` bounds the test command. */
  limits: SandboxLimits;
  /** Labels for the scoring container (to find leftovers). */
  labels?: Record<string, string>;
  signal?: AbortSignal;
}

/** A scored patch: the harness's verdict, whether it resolves the task, and the tail of the test output. */
export interface ScoreOutcome {
  status: "resolved" | "unresolved" | "patch-failed" | "error";
  resolved: boolean;
  verdict: HarnessVerdict;
  /** Per-test results the runner reported. */
  cases: TestCaseResult[];
  /** Test output tail and notes, for `score.log`. */
  log: string;
  /** Why scoring could not judge the patch (status `error`). */
  error?: string;
}

/** Output kept before the results in the container's answer, bytes. */
const OUTPUT_TAIL_BYTES = 60_000;
/** Largest answer (output tail + result file) the scoring run reads, bytes. */
const MAX_SCORE_OUTPUT_BYTES = 16 * 1024 * 1024;

/**
 * Scores a patch the way SWE-bench's harness does, in a sandbox with no network: a fresh work copy at
 * `base_commit`, the patch applied (minus what it does to the test patch's files, which the harness resets),
 * then the `test_patch`, then the task's tests with per-test results; resolved = every FAIL_TO_PASS and every
 * PASS_TO_PASS test passed (and at least one test is listed). Nothing of the task's tests exists in the work copy
 * before this point.
 *
 * @throws SandboxError when the sandbox cannot be created (engine down, image missing); EnvironmentError when the
 *   environment's `provision` cannot build it in the work copy; CancelledError on abort
 */
export async function scorePatch(request: ScoreRequest, deps: ScoreDeps): Promise<ScoreOutcome> {
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const { instance } = request;
  const workspace = await deps.workspaces.open(request.repoPath, {
    baseSha: instance.base_commit,
    workRoot: deps.workRoot,
  });
  const verdict = (fields: Partial<HarnessVerdict>): HarnessVerdict => ({
    patchApplied: false,
    testPatchApplied: false,
    failToPass: { passed: [], failed: [...instance.FAIL_TO_PASS] },
    passToPass: { passed: [], failed: [...instance.PASS_TO_PASS] },
    ...fields,
    scoreMs: now() - started,
  });
  try {
    // The environment is built for the base commit, as the task's tests expect, before either patch.
    await request.environment.provision?.(workspace, request.signal);
    const packageJson = parseJsonObject(await workspace.readFile("package.json").catch(() => undefined));
    const modelPatch = withoutPaths(request.patch, patchedPaths(instance.test_patch));
    const applied = await applyPatch(workspace.dir, modelPatch);
    if (!applied.applied) {
      const log = `The patch does not apply at ${instance.base_commit}:\n${applied.message ?? ""}`;
      return { status: "patch-failed", resolved: false, verdict: verdict({}), cases: [], log };
    }
    const tests = await applyPatch(workspace.dir, instance.test_patch);
    if (!tests.applied) {
      const error = `the test patch does not apply after the patch: ${tests.message ?? ""}`;
      return {
        status: "error",
        resolved: false,
        verdict: verdict({ patchApplied: true }),
        cases: [],
        log: error,
        error,
      };
    }
    const plan = planTests(instance, packageJson);
    const run = await runPlan(request, deps, workspace.dir, plan);
    const judge = (names: string[]) => ({
      passed: names.filter((name) => listedTestPassed(name, run.cases)),
      failed: names.filter((name) => !listedTestPassed(name, run.cases)),
    });
    const failToPass = judge(instance.FAIL_TO_PASS);
    const passToPass = judge(instance.PASS_TO_PASS);
    const listed = [...instance.FAIL_TO_PASS, ...instance.PASS_TO_PASS];
    const resolved = listed.length > 0 && failToPass.failed.length === 0 && passToPass.failed.length === 0;
    // Not one listed test in the results: the tests did not run (missing tool or dependency, collection error),
    // which says nothing about the patch.
    const ran = listed.some((name) => resultsForListed(name, run.cases).length > 0);
    const error = ran
      ? undefined
      : `none of the listed tests ran (exit ${run.exitCode}, ${run.cases.length} results): the environment may lack the tests' tools or dependencies; see score.log`;
    return {
      status: resolved ? "resolved" : error ? "error" : "unresolved",
      resolved,
      cases: run.cases,
      log: run.log,
      ...(error ? { error } : {}),
      verdict: verdict({
        patchApplied: true,
        testPatchApplied: true,
        failToPass,
        passToPass,
        testCommand: plan.command,
        testExitCode: run.exitCode,
        ...(run.testMs !== undefined ? { testMs: run.testMs } : {}),
      }),
    };
  } finally {
    await workspace.dispose();
  }
}

interface PlanRun {
  exitCode: number;
  testMs?: number;
  cases: TestCaseResult[];
  log: string;
}

/**
 * Runs the plan in one sandbox command: the test command's output goes to a file, then the answer is the output's
 * tail, a marker line (a fresh random nonce, exit code, start and end times in ns), and the per-test results.
 */
async function runPlan(request: ScoreRequest, deps: ScoreDeps, dir: string, plan: TestPlan): Promise<PlanRun> {
  const marker = `TANUKI-EVAL-${randomUUID()}`;
  const output = `${RESULTS_DIR}/output.txt`;
  const script = [
    `mkdir -p ${RESULTS_DIR} && export TANUKI_RESULTS=${RESULTS_DIR}`,
    "s=$(date +%s%N 2>/dev/null)",
    `(\n${request.environment.commandPrefix ? `${request.environment.commandPrefix}\n` : ""}${plan.command}\n) >${output} 2>&1`,
    "code=$?",
    "e=$(date +%s%N 2>/dev/null)",
    plan.resultFile ? `tail -c ${OUTPUT_TAIL_BYTES} ${output}` : "",
    `printf '\\n%s %s %s %s\\n' '${marker}' "$code" "$s" "$e"`,
    `cat ${plan.resultFile ?? output} 2>/dev/null`,
    "exit 0",
  ]
    .filter((line) => line !== "")
    .join("\n");
  const limits = { ...request.limits, maxOutputBytes: Math.max(request.limits.maxOutputBytes, MAX_SCORE_OUTPUT_BYTES) };
  const sandbox = await deps.sandboxes.create({
    workspaceDir: dir,
    image: request.environment.image,
    ...(request.environment.env ? { env: request.environment.env } : {}),
    limits,
    ...(request.labels ? { labels: request.labels } : {}),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  try {
    const result = await sandbox.exec({ command: script, ...(request.signal ? { signal: request.signal } : {}) });
    const text = result.stdout;
    const at = text.indexOf(`\n${marker} `);
    if (at < 0) {
      const why = result.timedOut
        ? "the tests ran past their time limit"
        : `the scoring command exited ${result.exitCode}`;
      return {
        exitCode: result.exitCode,
        cases: [],
        log: `${why}\n${text.slice(-OUTPUT_TAIL_BYTES)}\n${result.stderr}`,
      };
    }
    const lineEnd = text.indexOf("\n", at + 1);
    const [, code, start, end] = text.slice(at + 1, lineEnd < 0 ? undefined : lineEnd).split(" ");
    const results = lineEnd < 0 ? "" : text.slice(lineEnd + 1);
    const testMs =
      /^\d+$/.test(start ?? "") && /^\d+$/.test(end ?? "")
        ? Number(BigInt(end as string) - BigInt(start as string)) / 1e6
        : undefined;
    const tail = plan.resultFile ? text.slice(0, at) : results.slice(-OUTPUT_TAIL_BYTES);
    return {
      exitCode: Number(code),
      ...(testMs !== undefined ? { testMs } : {}),
      cases: parseTestCases(plan.format, results, plan.flavor),
      log: `$ ${plan.command}\n${tail}`,
    };
  } finally {
    await sandbox.dispose();
  }
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined || text.length > 1_000_000) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
