export {
  commandOfKind,
  DISPATCH_INPUT_NAMES,
  type DispatchCommand,
  type DispatchInputs,
  encodeDispatchInputs,
} from "./dispatch-inputs.js";
export { type DispatchSettings, dispatchOnlyRunner, dispatchSettingsOf } from "./dispatch-settings.js";
export { createJobDispatcher, type JobDispatcher } from "./job-dispatcher.js";
export { checkDispatchedJobs, onDispatchedRunCompleted } from "./watch-dispatched.js";
