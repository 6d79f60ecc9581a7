import type { TestReport } from "../../core/test-report.js";
import type { ExecResult, Sandbox } from "../../sandbox/sandbox.js";
import type { RunContext } from "../run-context.js";
import { type RunState, requireWorkspace } from "../run-state.js";
import { parseTestOutput } from "../test-output.js";

/** Cap on the output tail kept in a TestReport, characters. */
export const TEST_TAIL_CHARS = 6_000;

/**
 * Environment for commands in the sandbox: no bytecode files or caches written into the work copy (they would end
 * up in the diff), non-interactive runners.
 */
export const SANDBOX_ENV: Record<string, string> = { PYTHONDONTWRITEBYTECODE: "1", CI: "true", NO_COLOR: "1" };

/** Label put on the job's container, so leftovers can be found and removed. */
export const JOB_LABEL = "tanuki.job";

/** Runs one command in the sandbox, traced as a tool call and recorded in the world model. */
export async function execInSandbox(ctx: RunContext, sandbox: Sandbox, command: string): Promise<ExecResult> {
  const result = await ctx.tool(
    "sandbox.exec",
    { command },
    () => sandbox.exec({ command, env: SANDBOX_ENV, signal: ctx.signal }),
    (done) => ({
      output: {
        stdoutTail: done.stdout.slice(-2_000),
        stderrTail: done.stderr.slice(-2_000),
        timedOut: done.timedOut,
        truncated: done.truncated,
      },
      exitCode: done.exitCode,
    }),
  );
  ctx.world.addToolResult({
    tool: "sandbox.exec",
    command,
    exitCode: result.exitCode,
    stdoutTail: result.stdout,
    stderrTail: result.stderr,
  });
  return result;
}

/**
 * Creates the job's sandbox (once) with the work copy mounted and runs `config.setupCommand` in it, once.
 * A failing setup command is logged, not fatal: the test runs then show what is missing.
 *
 * @throws SandboxError when the container cannot be created (missing image: code `sandbox-image`)
 */
export async function ensureSandbox(ctx: RunContext, state: RunState): Promise<Sandbox> {
  if (state.sandbox) return state.sandbox;
  const workspace = requireWorkspace(state);
  const sandbox = await ctx.tool(
    "sandbox.exec",
    { op: "create", image: ctx.config.sandbox.image },
    () =>
      ctx.deps.sandboxes.create({
        workspaceDir: workspace.dir,
        image: ctx.config.sandbox.image,
        limits: ctx.config.sandbox.limits,
        labels: { [JOB_LABEL]: ctx.task.id },
        signal: ctx.signal,
      }),
    (created) => ({ output: { id: created.id } }),
  );
  state.sandbox = sandbox;
  if (ctx.config.setupCommand) {
    const setup = await execInSandbox(ctx, sandbox, ctx.config.setupCommand);
    if (setup.exitCode !== 0) {
      ctx.emit({ type: "log", level: "warn", message: `setup command exited with ${setup.exitCode}` });
    }
  }
  return sandbox;
}

/** Turns an exec result into a TestReport (counts parsed from the summary; undefined when not recognised). */
export function toTestReport(command: string, result: ExecResult): TestReport {
  const output = [result.stdout, result.stderr].filter((part) => part.length > 0).join("\n");
  const counts = parseTestOutput(output);
  return {
    command,
    exitCode: result.exitCode,
    ...(counts?.passed !== undefined ? { passed: counts.passed } : {}),
    ...(counts?.failed !== undefined ? { failed: counts.failed } : {}),
    ...(counts?.errors !== undefined ? { errors: counts.errors } : {}),
    ...(counts?.skipped !== undefined ? { skipped: counts.skipped } : {}),
    durationMs: result.durationMs,
    timedOut: result.timedOut,
    outputTail: output.length <= TEST_TAIL_CHARS ? output : output.slice(output.length - TEST_TAIL_CHARS),
  };
}

/**
 * Runs the repository's tests in the sandbox on the work copy's current state and reports them (event `tests`,
 * world-model fact `tests.<which>`).
 *
 * @param which  `before` (base commit, once) or `after` (an attempt's state)
 */
export async function runTests(
  ctx: RunContext,
  state: RunState,
  command: string,
  which: "before" | "after",
  attempt?: number,
): Promise<TestReport> {
  const sandbox = await ensureSandbox(ctx, state);
  const report = toTestReport(command, await execInSandbox(ctx, sandbox, command));
  ctx.emit({
    type: "tests",
    which,
    exitCode: report.exitCode,
    ...(attempt !== undefined ? { attempt } : {}),
    ...(report.passed !== undefined ? { passed: report.passed } : {}),
    ...(report.failed !== undefined ? { failed: report.failed } : {}),
  });
  const counts =
    report.passed !== undefined ? `${report.passed} passed, ${report.failed ?? 0} failed` : "counts not recognised";
  ctx.world.addFact(
    `tests.${which === "before" ? "before" : `attempt ${attempt}`}`,
    `exit ${report.exitCode}, ${counts}`,
  );
  return report;
}
