export { SANDBOX_ENV, SANDBOX_LABEL, SANDBOX_USER } from "./container-spec.js";
export {
  BUILD_IMAGE_COMMAND,
  DockerSandbox,
  DockerSandboxProvider,
  type DockerSandboxProviderOptions,
} from "./docker-sandbox.js";
export { removeLeftoverSandboxes } from "./leftover-sandboxes.js";
export * from "./sandbox.js";
export { prepareWorkspaceForSandbox, type WorkspaceAccess } from "./workspace-permissions.js";
