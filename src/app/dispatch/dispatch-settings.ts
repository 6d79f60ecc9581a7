import type { AppEnv } from "../../config/app-env.js";
import { ConfigError } from "../../core/errors.js";
import type { JobRunner } from "../job-runner.js";
import type { DispatchSettings } from "./job-dispatcher.js";

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
