import Dockerode from "dockerode";
import { capRosterTokens, DEFAULT_ROSTER } from "../../../src/agents/roster.js";
import { TreeSitterExplorer } from "../../../src/context/tree-sitter-explorer.js";
import type { RunEvent } from "../../../src/core/events.js";
import type { ChatModel } from "../../../src/llm/chat-model.js";
import type { LoopDeps } from "../../../src/loop/loop-deps.js";
import { JOB_LABEL } from "../../../src/loop/phases/test.js";
import { DockerSandboxProvider } from "../../../src/sandbox/docker-sandbox.js";
import { GitWorkspaceProvider } from "../../../src/workspace/git-workspace.js";
import { MemoryTrace } from "../../helpers/memory-trace.js";

/** Containers (running or not) carrying this job's label. */
export async function jobContainers(jobId: string): Promise<Dockerode.ContainerInfo[]> {
  return new Dockerode().listContainers({ all: true, filters: { label: [`${JOB_LABEL}=${jobId}`] } });
}

/** Real loop dependencies (git work copy, tree-sitter explorer, Docker sandbox) around `model`. */
export function realDeps(
  model: ChatModel,
  workRoot: string,
  options: { maxTokens?: number; briefingTokens?: number } = {},
) {
  const trace = new MemoryTrace();
  const events: RunEvent[] = [];
  const deps: LoopDeps = {
    model,
    sandboxes: new DockerSandboxProvider(),
    workspaces: new GitWorkspaceProvider(),
    explorer: new TreeSitterExplorer(),
    trace,
    onEvent: (event) => events.push(event),
    workRoot,
    roster: capRosterTokens(DEFAULT_ROSTER, options.maxTokens ?? 2048),
    briefingTokens: options.briefingTokens ?? 1_500,
  };
  return { deps, trace, events };
}
