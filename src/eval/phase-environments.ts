import type { EnvironmentConfig } from "../config/environment-config.js";
import type { EnvironmentReport } from "../core/environment-report.js";
import { EnvironmentError } from "../core/errors.js";
import type { EnvironmentOutcome, EnvironmentProvider } from "../environment/environment.js";
import type { SandboxLimits } from "../sandbox/sandbox.js";
import type { Workspace, WorkspaceProvider } from "../workspace/workspace.js";
import type { EvalEnvironments, InstanceEnvironment } from "./environments.js";
import type { EvalInstance } from "./instance.js";

/** Log lines of a failed install quoted in a task's error (results.jsonl, the report). */
const ERROR_TAIL_LINES = 15;

/** Options of {@link phaseEnvironments}. */
export interface PhaseEnvironmentsOptions {
  /** Tanuki's environment phase (the Docker implementation: egress proxy, toolchain images, cache). */
  provider: EnvironmentProvider;
  /** Work copies of a task's repository at its base commit (the one the environment is first built in). */
  workspaces: WorkspaceProvider;
  /** Folder for those work copies (removed after the build). */
  workRoot: string;
  /** Image the phase starts from (`--image`, default the sandbox image); toolchain images are derived from it. */
  sandboxImage: string;
  /** Registries, mirrors, proxy, CA bundle, limits and cache of the install. */
  config: EnvironmentConfig;
  /** Sandbox caps of the install's container (the install's own time and memory caps come from `config`). */
  limits: SandboxLimits;
  /** `--setup-command`: replaces detection for every task. */
  setupCommand?: string;
}

/** The message of a failed environment: what failed, why, and the last lines of its log. */
function failureMessage(instance: EvalInstance, report: EnvironmentReport): string {
  const what = report.command ? `\`${report.command}\` failed` : "it could not be prepared";
  const tail = report.logTail.split("\n").slice(-ERROR_TAIL_LINES).join("\n").trim();
  return [
    `the environment of ${instance.repo} could not be built: ${what}${report.problem ? ` (${report.problem})` : ""}.`,
    report.message ?? "",
    tail ? `Last lines of the install log:\n${tail}` : "",
  ]
    .filter((part) => part !== "")
    .join(" ");
}

/**
 * Task environments from Tanuki's own environment phase, as a user's repository gets them: the install step is
 * detected from the repository at `base_commit` (or `--setup-command`), run through the egress proxy in the
 * sandbox image with the toolchains detected, and cached as an image keyed by the repository and its
 * lockfiles/manifests. `prepare` builds it once in a throwaway work copy (so a task whose environment cannot be
 * built is an `error` before anything else runs, and the loop's own environment phase finds it cached); each
 * scoring work copy then gets it through `provision` (a copy from the cache; a fresh install when the cache is
 * off). The loop's sandbox keeps `sandboxImage`, since its environment phase picks the toolchain image itself.
 */
export function phaseEnvironments(options: PhaseEnvironmentsOptions): EvalEnvironments {
  const install = async (instance: EvalInstance, workspace: Workspace, signal?: AbortSignal) => {
    const outcome: EnvironmentOutcome = await options.provider.prepare({
      workspaceDir: workspace.dir,
      repo: { files: await workspace.listFiles(), read: (path) => workspace.readFile(path).catch(() => undefined) },
      config: options.config,
      ...(options.setupCommand ? { setupCommand: options.setupCommand } : {}),
      sandboxImage: options.sandboxImage,
      limits: options.limits,
      // The scope the loop uses for the same task (its Task.repository), so the loop reuses this environment.
      cacheScope: instance.repo,
      labels: { "tanuki.eval": instance.instance_id },
      ...(signal ? { signal } : {}),
    });
    if (!outcome.ok) throw new EnvironmentError(failureMessage(instance, outcome.report), outcome.report);
    return outcome.environment;
  };
  return {
    async prepare(instance, repoPath, signal): Promise<InstanceEnvironment> {
      const workspace = await options.workspaces.open(repoPath, {
        baseSha: instance.base_commit,
        workRoot: options.workRoot,
      });
      let built: Awaited<ReturnType<typeof install>>;
      try {
        built = await install(instance, workspace, signal);
      } finally {
        await workspace.dispose();
      }
      return {
        image: built.image,
        env: built.env,
        loopImage: options.sandboxImage,
        ...(options.setupCommand ? { setupCommand: options.setupCommand } : {}),
        provision: async (scoring, provisionSignal) => {
          await install(instance, scoring, provisionSignal);
        },
      };
    },
  };
}

/**
 * Per task: a prebuilt image when the task names one (`image_name`) or an image template is given, since such an
 * image holds the task's dependencies already (SWE-bench's); else Tanuki's environment phase.
 */
export function taskEnvironments(options: {
  prebuilt: EvalEnvironments;
  phase: EvalEnvironments;
  hasTemplate: boolean;
}): EvalEnvironments {
  return {
    prepare: (instance, repoPath, signal) =>
      (instance.image_name || options.hasTemplate ? options.prebuilt : options.phase).prepare(
        instance,
        repoPath,
        signal,
      ),
  };
}
