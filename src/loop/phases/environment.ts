import type { EnvironmentReport } from "../../core/environment-report.js";
import type { LoopStop } from "../outcome.js";
import type { RunContext } from "../run-context.js";
import { type RunState, requireWorkspace } from "../run-state.js";
import { JOB_LABEL } from "./test.js";

/** Why the environment failed, in one sentence for the run's reason. */
function failureReason(report: EnvironmentReport): string {
  const what = report.command ? `\`${report.command.replace(/`/g, "'")}\` failed` : "it could not be prepared";
  return `The environment could not be built: ${what}${report.problem ? ` (${report.problem})` : ""}. ${report.message ?? ""} Nothing was asked of the model.`.trim();
}

/**
 * The environment phase: installs the repository's dependencies through `deps.environments` (network to package
 * registries only) and keeps the image and environment variables every later command runs with. Without an
 * environment provider (tests with a fake sandbox), the sandbox image is used as it is.
 *
 * @returns the stop that ends the job with `environment-error` when the install failed, else undefined
 * @throws SandboxError when the engine or one of Tanuki's images is missing; CancelledError on cancel
 */
export async function environmentPhase(ctx: RunContext, state: RunState): Promise<LoopStop | undefined> {
  const provider = ctx.deps.environments;
  if (!provider) return undefined;
  const workspace = requireWorkspace(state);
  const outcome = await provider.prepare({
    workspaceDir: workspace.dir,
    repo: { files: await workspace.listFiles(), read: (path) => workspace.readFile(path).catch(() => undefined) },
    config: ctx.config.environment,
    ...(ctx.config.setupCommand ? { setupCommand: ctx.config.setupCommand } : {}),
    sandboxImage: ctx.config.sandbox.image,
    limits: ctx.config.sandbox.limits,
    cacheScope: ctx.task.repository ?? ctx.task.repoPath,
    labels: { [JOB_LABEL]: ctx.task.id },
    onOutput: (command, tail) => ctx.emit({ type: "setup-output", command, tail }),
    signal: ctx.signal,
  });
  state.environmentReport = outcome.report;
  const report = outcome.report;
  ctx.deps.trace.record({ kind: "event", at: new Date().toISOString(), event: { type: "environment", ...report } });
  if (!outcome.ok) {
    ctx.emit({ type: "log", level: "error", message: `environment: ${report.message ?? "the install failed"}` });
    return { kind: "environment", reason: failureReason(report) };
  }
  state.environment = outcome.environment;
  const how = report.cached
    ? "cached environment reused"
    : report.commands.length > 0
      ? report.commands.join(" && ")
      : "nothing to install";
  ctx.world.addFact("environment", `${report.image ?? ctx.config.sandbox.image}: ${how}`);
  return undefined;
}
