import { randomBytes } from "node:crypto";
import { describeTestCounts, type TestReport } from "../../core/test-report.js";
import type { ExecResult, Sandbox } from "../../sandbox/sandbox.js";
import { reportingCommand } from "../../testing/reporting-command.js";
import { toTestReport } from "../../testing/to-test-report.js";
import type { RunContext } from "../run-context.js";
import { type RunState, requireWorkspace } from "../run-state.js";

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
 * Creates the job's sandbox (once) with the work copy mounted, in the environment phase's image and with its
 * environment variables (venv on PATH, offline toolchains), else the configured sandbox image. No network.
 *
 * @throws SandboxError when the container cannot be created (missing image: code `sandbox-image`)
 */
export async function ensureSandbox(ctx: RunContext, state: RunState): Promise<Sandbox> {
  if (state.sandbox) return state.sandbox;
  const workspace = requireWorkspace(state);
  const image = state.environment?.image ?? ctx.config.sandbox.image;
  const sandbox = await ctx.tool(
    "sandbox.exec",
    { op: "create", image },
    () =>
      ctx.deps.sandboxes.create({
        workspaceDir: workspace.dir,
        image,
        ...(state.environment ? { env: state.environment.env } : {}),
        limits: ctx.config.sandbox.limits,
        labels: { [JOB_LABEL]: ctx.task.id },
        signal: ctx.signal,
      }),
    (created) => ({ output: { id: created.id } }),
  );
  state.sandbox = sandbox;
  return sandbox;
}

/**
 * Runs the repository's tests in the sandbox on the work copy's current state and reports them (event `tests`,
 * world-model fact `tests.<which>`). A known runner is asked for per-test results (see `reportingCommand`; the
 * base commit's `scripts.test` decides what `npm test` runs); others report counts only.
 *
 * @param which  `before` (base commit, once) or `after` (an attempt's state)
 * @param label  what the run checks, for the world model (e.g. `new tests on the base`); default `which`
 */
export async function runTests(
  ctx: RunContext,
  state: RunState,
  command: string,
  which: "before" | "after",
  attempt?: number,
  label?: string,
): Promise<TestReport> {
  const sandbox = await ensureSandbox(ctx, state);
  const reporting = reportingCommand(command, {
    nonce: randomBytes(8).toString("hex"),
    ...(state.npmTestScript ? { npmTestScript: state.npmTestScript } : {}),
  });
  const report = toTestReport(command, await execInSandbox(ctx, sandbox, reporting?.command ?? command), reporting);
  ctx.emit({
    type: "tests",
    which,
    exitCode: report.exitCode,
    ...(attempt !== undefined ? { attempt } : {}),
    ...(report.passed !== undefined ? { passed: report.passed } : {}),
    ...(report.failed !== undefined ? { failed: report.failed } : {}),
  });
  const key = label ?? (which === "before" ? "before" : `attempt ${attempt}`);
  ctx.world.addFact(`tests.${key}`, `exit ${report.exitCode}, ${describeTestCounts(report)}`);
  return report;
}
