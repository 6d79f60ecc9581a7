import type { AppEnv } from "../../config/app-env.js";
import { ConfigError } from "../../core/errors.js";
import type { JobRunner } from "../job-runner.js";

/** Operator settings of dispatch mode (from the environment, see `config/app-env.ts`). */
export interface DispatchSettings {
  /** Workflow that runs the Tanuki Action: file name under `.github/workflows/` (e.g. `tanuki.yml`) or id. */
  workflow: string;
  /** Branch the workflow is started on. Default: the repository's default branch. */
  ref?: string;
  /** A runner must take the job (the check run leaves `queued`) within this many ms of the dispatch. */
  startTimeoutMs: number;
  /** The job must report a result (the check run completes) within this many ms of the dispatch. */
  finishTimeoutMs: number;
  /** How often the watchdog looks at dispatched jobs whose deadline passed, ms. Default 60,000. */
  checkIntervalMs?: number;
}

/**
 * Dispatch settings from the App's environment: undefined for `TANUKI_RUNNER=inline` (the default), the workflow,
 * ref and deadlines for `TANUKI_RUNNER=actions`. Pass the result as `settings.dispatch` to `tanukiApp`.
 */
export function dispatchSettingsOf(env: AppEnv): DispatchSettings | undefined {
  if (env.TANUKI_RUNNER !== "actions") return undefined;
  return {
    workflow: env.TANUKI_DISPATCH_WORKFLOW,
    ...(env.TANUKI_DISPATCH_REF ? { ref: env.TANUKI_DISPATCH_REF } : {}),
    startTimeoutMs: env.TANUKI_DISPATCH_START_TIMEOUT_MS,
    finishTimeoutMs: Math.max(env.TANUKI_DISPATCH_FINISH_TIMEOUT_MS, env.TANUKI_DISPATCH_START_TIMEOUT_MS),
  };
}

/**
 * The JobRunner of an App in dispatch mode, where every job runs on the Actions runners: the App loads no model.
 * Every method throws, since none may be reached.
 */
export const dispatchOnlyRunner: JobRunner = {
  fix: notHere,
  review: notHere,
  analyzeFailure: notHere,
  fixFailure: notHere,
};

function notHere(): never {
  throw new ConfigError("This Tanuki App runs jobs on the Actions runners (TANUKI_RUNNER=actions), not in process.");
}
