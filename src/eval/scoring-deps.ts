import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerEnvironmentProvider } from "../environment/docker-environment-provider.js";
import type { EnvironmentProvider } from "../environment/environment.js";
import { DockerSandboxProvider } from "../sandbox/docker-sandbox.js";
import type { SandboxProvider } from "../sandbox/sandbox.js";
import { GitWorkspaceProvider } from "../workspace/git-workspace.js";
import type { ScoreDeps } from "./score-patch.js";

/**
 * The real scoring adapters (Docker sandbox, git work copies) for runs that do not load a model (`--gold`,
 * `--predictions`); Tanuki runs reuse the engine's.
 *
 * @param workRoot  folder for scoring work copies; default `<os temp>/tanuki-work`
 */
export function createScoringDeps(workRoot = join(tmpdir(), "tanuki-work")): ScoreDeps {
  return { sandboxes: new DockerSandboxProvider(), workspaces: new GitWorkspaceProvider(), workRoot };
}

/**
 * Tanuki's environment phase (Docker: egress proxy, toolchain images, cached environments) over `sandboxes`, for
 * runs that do not load a model; Tanuki runs reuse the engine's.
 */
export function createScoringEnvironments(sandboxes: SandboxProvider): EnvironmentProvider {
  return new DockerEnvironmentProvider({ sandboxes });
}
