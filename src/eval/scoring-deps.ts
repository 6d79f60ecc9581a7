import { tmpdir } from "node:os";
import { join } from "node:path";
import { DockerSandboxProvider } from "../sandbox/docker-sandbox.js";
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
