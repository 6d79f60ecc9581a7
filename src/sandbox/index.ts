export { SANDBOX_ENV, SANDBOX_LABEL } from "./container-spec.js";
export {
  BUILD_IMAGE_COMMAND,
  DockerSandbox,
  DockerSandboxProvider,
  type DockerSandboxProviderOptions,
} from "./docker-sandbox.js";
export { removeLeftoverSandboxes } from "./leftover-sandboxes.js";
export * from "./sandbox.js";
export { DEFAULT_SANDBOX_OWNER, type SandboxOwner, sandboxOwnerFor } from "./tree-handover.js";
