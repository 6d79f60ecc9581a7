import type { RosterEntry } from "../agents/roster.js";
import type { EnvironmentConfig } from "../config/environment-config.js";
import type { RepoMcpServerConfig } from "../config/mcp-config.js";
import type { Explorer } from "../context/repo-facts.js";
import type { RunEventListener } from "../core/events.js";
import type { ExternalTools } from "../core/external-tools.js";
import type { TraceSink } from "../core/trace.js";
import type { EnvironmentProvider } from "../environment/environment.js";
import type { ChatModel } from "../llm/chat-model.js";
import type { Sandbox, SandboxProvider } from "../sandbox/sandbox.js";
import type { WorkspaceProvider } from "../workspace/workspace.js";

/**
 * Starts the MCP servers a repository declared (`RunConfig.mcp.servers`): stdio ones inside `sandbox`, https ones
 * only on the egress allowlist of `environment`; lists their allowlisted read-only tools. Implemented in `src/mcp`
 * (`openRepoMcpTools`), wired by `compose/`.
 *
 * @throws Error when a server cannot be started or reached (the others are stopped)
 */
export type RepoToolsOpener = (
  servers: readonly RepoMcpServerConfig[],
  context: { sandbox: Sandbox; environment: EnvironmentConfig; log?: (line: string) => void; signal?: AbortSignal },
) => Promise<ExternalTools>;

/**
 * Everything the loop needs from the outside world, as ports. The composition root (`compose/`) builds the real
 * ones; tests pass fakes (scripted model, in-memory trace) through the same door.
 */
export interface LoopDeps {
  model: ChatModel;
  sandboxes: SandboxProvider;
  /**
   * Builds the repository's environment (install with registry-only network, cached) before the base test run.
   * Absent: the sandbox image is used as it is and nothing is installed (tests with a fake sandbox).
   */
  environments?: EnvironmentProvider;
  workspaces: WorkspaceProvider;
  /**
   * Tools of MCP servers the operator listed (allowlisted, read-only unless allowed): the planner may call them
   * before planning, their answers fenced as untrusted data. Absent: no external tools.
   */
  externalTools?: ExternalTools;
  /**
   * Starts the repository's MCP servers for the planner's consultation (only when the run configuration lists any,
   * which it does only when the operator allows them). Absent: repository servers are never started.
   */
  openRepoTools?: RepoToolsOpener;
  explorer: Explorer;
  trace: TraceSink;
  /** Progress listener (CLI progress line, status comment). */
  onEvent?: RunEventListener;
  /** Folder under which work copies are created (one per run). */
  workRoot: string;
  /** Monotonic clock in ms; injectable for tests. Default `performance.now()`. */
  now?: () => number;
  /**
   * Agent roster (system prompts, sampling, token caps). Default `DEFAULT_ROSTER`. Small models and tests pass a
   * roster with smaller `maxTokens` (see `capRosterTokens`).
   */
  roster?: readonly RosterEntry[];
  /** Token budget of the briefing given to each agent. Default 3,000; small-context models need less. */
  briefingTokens?: number;
}
