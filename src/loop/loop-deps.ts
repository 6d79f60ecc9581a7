import type { RosterEntry } from "../agents/roster.js";
import type { Explorer } from "../context/repo-facts.js";
import type { RunEventListener } from "../core/events.js";
import type { ExternalTools } from "../core/external-tools.js";
import type { TraceSink } from "../core/trace.js";
import type { EnvironmentProvider } from "../environment/environment.js";
import type { ChatModel } from "../llm/chat-model.js";
import type { SandboxProvider } from "../sandbox/sandbox.js";
import type { WorkspaceProvider } from "../workspace/workspace.js";

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
