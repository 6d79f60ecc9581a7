import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunConfig } from "../../../src/config/run-config.js";
import { imageEnvironments } from "../../../src/eval/environments.js";
import { localRepos } from "../../../src/eval/repo-source.js";
import type { RunEvalOptions } from "../../../src/eval/run-eval.js";
import { DockerSandboxProvider } from "../../../src/sandbox/docker-sandbox.js";
import { GitWorkspaceProvider } from "../../../src/workspace/git-workspace.js";
import { TEST_SANDBOX_IMAGE } from "../../sandbox/sandbox-test-env.js";

/** Run options for the fixture tasks with the real Docker sandbox and git work copies; `cleanup` removes folders. */
export async function evalOptions(reposDir: string): Promise<{
  options: Omit<RunEvalOptions, "instances" | "outDir" | "source">;
  workRoot: string;
  cleanup(): Promise<void>;
}> {
  const workRoot = await mkdtemp(join(tmpdir(), "tanuki-eval-work-"));
  const config = RunConfig.parse({
    budgets: { maxAttempts: 2 },
    planCandidates: 2,
    sandbox: { image: TEST_SANDBOX_IMAGE, limits: { commandTimeoutMs: 120_000 } },
  });
  return {
    workRoot,
    options: {
      repos: localRepos(reposDir),
      environments: imageEnvironments({ defaultImage: TEST_SANDBOX_IMAGE }),
      config,
      score: { workspaces: new GitWorkspaceProvider(), sandboxes: new DockerSandboxProvider(), workRoot },
      workers: 2,
    },
    cleanup: () => rm(workRoot, { recursive: true, force: true }),
  };
}
