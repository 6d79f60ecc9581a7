import type { Workspace } from "../workspace/workspace.js";
import type { EvalInstance } from "./instance.js";

/** Where a task's tests run: the image, and what every command there needs first. */
export interface InstanceEnvironment {
  /** Image of the loop's sandbox and of the scoring run. */
  image: string;
  /**
   * Shell lines run before each scoring command (e.g. activating the environment a prebuilt image installed).
   * Trusted: it comes from Tanuki's configuration, never from a task.
   */
  commandPrefix?: string;
  /** Install command of the loop's environment phase (replaces its detection). */
  setupCommand?: string;
  /** Environment variables of every scoring command (e.g. PATH with an installed virtual environment first). */
  env?: Record<string, string>;
  /**
   * Sandbox image the loop is configured with when it is not `image`: the loop's own environment phase derives
   * the image it needs (e.g. the sandbox image with Go) from it, as `image` was derived.
   */
  loopImage?: string;
  /**
   * Installs the task's dependencies into a scoring work copy at `base_commit`, before any patch is applied (a
   * cached environment is copied in). Absent for prebuilt images, which hold their dependencies.
   * @throws EnvironmentError when the environment cannot be built; CancelledError on abort
   */
  provision?(workspace: Workspace, signal?: AbortSignal): Promise<void>;
}

/**
 * The seam between the evaluation and whatever builds a task's environment: a fixed image, an image per task
 * (`image_name`, `--image-template`), or Tanuki's own environment phase (setup detection and cached images),
 * which plugs in here as another implementation.
 */
export interface EvalEnvironments {
  /**
   * @param repoPath  the repository holding the task's base commit (read-only)
   * @throws TanukiError when the environment cannot be prepared (the task is then reported with status `error`)
   */
  prepare(instance: EvalInstance, repoPath: string, signal?: AbortSignal): Promise<InstanceEnvironment>;
}

/** Shell lines that make a SWE-bench `sweb.eval.*` image's conda environment and the mounted work copy current. */
export const SWEBENCH_PREFIX = '. /opt/miniconda3/bin/activate testbed\nexport PYTHONPATH="$PWD"';

/**
 * Substitutes a task into an image name template: `{instance_id}`, `{repo}` (owner/name), `{owner}`, `{name}`,
 * and `{sweb_id}` (SWE-bench's image key: the instance id lower-cased with `__` written `_1776_`), e.g.
 * `swebench/sweb.eval.x86_64.{sweb_id}:latest`.
 */
export function imageFromTemplate(template: string, instance: EvalInstance): string {
  const [owner = "", name = ""] = instance.repo.split("/");
  const values: Record<string, string> = {
    instance_id: instance.instance_id,
    repo: instance.repo,
    owner,
    name,
    sweb_id: instance.instance_id.toLowerCase().replace(/__/g, "_1776_"),
  };
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/**
 * Environments from images: the task's own `image_name` when it names one, else `template` (see
 * {@link imageFromTemplate}) when given, else `defaultImage`. SWE-bench's `sweb.eval.*` images get
 * {@link SWEBENCH_PREFIX}.
 */
export function imageEnvironments(options: {
  defaultImage: string;
  template?: string;
  setupCommand?: string;
}): EvalEnvironments {
  return {
    async prepare(instance) {
      const image =
        instance.image_name ??
        (options.template ? imageFromTemplate(options.template, instance) : options.defaultImage);
      return {
        image,
        ...(image.includes("sweb.eval.") ? { commandPrefix: SWEBENCH_PREFIX } : {}),
        ...(options.setupCommand ? { setupCommand: options.setupCommand } : {}),
      };
    },
  };
}
