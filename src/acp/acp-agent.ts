import { randomUUID } from "node:crypto";
import { isAbsolute } from "node:path";
import {
  type AgentApp,
  type AgentContext,
  agent,
  type ClientCapabilities,
  PROTOCOL_VERSION,
  type PromptRequest,
  type PromptResponse,
  RequestError,
} from "@agentclientprotocol/sdk";
import { tanukiBranch } from "../core/branch-names.js";
import type { RunEventListener } from "../core/events.js";
import type { RunResult } from "../core/run-result.js";
import type { Task } from "../core/task.js";
import { type EditorClient, editorClient } from "./editor-client.js";
import { offerChange } from "./offer-change.js";
import { issueFromPrompt } from "./prompt-task.js";
import { describeOffer, describeRun } from "./run-summary.js";
import { RunUpdates } from "./run-updates.js";

/** One prompt's run of the loop, as the ACP agent asks for it. */
export interface AcpRunRequest {
  /** A `fix` task on the session's workspace (its committed state), with a unique `tanuki/editor-…` branch. */
  task: Task;
  /** Progress, turned into session updates. */
  onEvent: RunEventListener;
  /** Aborted by `session/cancel`: the run must end `cancelled` soon. */
  signal: AbortSignal;
}

/**
 * Runs Tanuki's loop (`runFix`) for a prompt: the entry point builds it over the engine (model, Docker sandbox, git
 * workspace), so this module never imports them. Must not throw for what happens inside the loop.
 * @returns the run's result and the folder holding its report (run.json, pr.md, trace.jsonl)
 */
export type AcpRunner = (request: AcpRunRequest) => Promise<{ result: RunResult; reportDir: string }>;

/** What {@link createAcpAgent} is built from. */
export interface AcpAgentOptions {
  run: AcpRunner;
  /**
   * Checks that a session's `cwd` can be worked on (the root of a git repository with a commit).
   * @throws an Error whose message says why not (answered to the editor as invalid params)
   */
  checkWorkspace(cwd: string): Promise<void>;
  /** Tanuki's version, for `agentInfo`. */
  version: string;
  /** New session ids. Default: random UUIDs. */
  newSessionId?: () => string;
}

interface SessionState {
  cwd: string;
  prompts: number;
  /** Aborts the running prompt (`session/cancel`); undefined when none runs. */
  running?: AbortController;
  /** The user chose "always apply" for this session. */
  alwaysApply: boolean;
}

/**
 * Tanuki as an Agent Client Protocol agent (Zed, JetBrains, Neovim, … host it over stdio): build one per
 * connection with the SDK's `agent()` app.
 *
 * - `session/new` opens a session on a workspace (`cwd`, a git repository root); MCP servers the editor offers
 *   are not used (Tanuki's agents take their tools from the repository's configuration).
 * - `session/prompt` turns the prompt into an issue (attached files read through the editor), runs the loop on
 *   the workspace's last commit — tests in the Docker sandbox — streaming the plan, the test runs (as `execute`
 *   tool calls) and the team's progress (as thoughts), then offers the change: read through the editor, shown as
 *   a diff, applied only with the user's permission (see `offerChange`). The answer is a short report, and the
 *   result also stays on a `tanuki/editor-…` branch.
 * - `session/cancel` aborts the running prompt: the loop stops, a pending permission request is withdrawn, and
 *   the prompt answers `cancelled`.
 */
export function createAcpAgent(options: AcpAgentOptions): AgentApp {
  const sessions = new Map<string, SessionState>();
  let capabilities: ClientCapabilities = {};
  const newId = options.newSessionId ?? randomUUID;
  return agent({ name: "tanuki" })
    .onRequest("initialize", ({ params }) => {
      capabilities = params.clientCapabilities ?? {};
      return {
        protocolVersion: PROTOCOL_VERSION,
        agentCapabilities: {
          loadSession: false,
          promptCapabilities: { image: false, audio: false, embeddedContext: true },
        },
        agentInfo: { name: "tanuki", title: "Tanuki", version: options.version },
        authMethods: [],
      };
    })
    .onRequest("session/new", async ({ params }) => {
      if (!isAbsolute(params.cwd)) throw RequestError.invalidParams({ cwd: params.cwd }, "cwd must be absolute");
      try {
        await options.checkWorkspace(params.cwd);
      } catch (error) {
        throw RequestError.invalidParams({ cwd: params.cwd }, (error as Error).message);
      }
      const sessionId = newId();
      sessions.set(sessionId, { cwd: params.cwd, prompts: 0, alwaysApply: false });
      return { sessionId };
    })
    .onRequest("session/prompt", ({ params, client, signal }) => {
      const session = sessions.get(params.sessionId);
      if (!session) throw RequestError.invalidParams({ sessionId: params.sessionId }, "unknown session");
      if (session.running) throw RequestError.invalidRequest(undefined, "a prompt is already running in this session");
      const controller = new AbortController();
      session.running = controller;
      return runPrompt(
        options,
        session,
        params,
        client,
        AbortSignal.any([controller.signal, signal]),
        capabilities,
      ).finally(() => {
        session.running = undefined;
      });
    })
    .onNotification("session/cancel", ({ params }) => {
      sessions.get(params.sessionId)?.running?.abort();
    });
}

/** Reads an attached file through the editor as a `read` tool call. */
async function readAttached(editor: EditorClient, path: string, id: string): Promise<string> {
  await editor.update({
    sessionUpdate: "tool_call",
    toolCallId: id,
    title: `Read ${path}`,
    kind: "read",
    status: "in_progress",
    locations: [{ path }],
  });
  try {
    const content = await editor.readTextFile(path);
    await editor.update({ sessionUpdate: "tool_call_update", toolCallId: id, status: "completed" });
    return content;
  } catch (error) {
    await editor.update({ sessionUpdate: "tool_call_update", toolCallId: id, status: "failed" });
    throw error;
  }
}

async function runPrompt(
  options: AcpAgentOptions,
  session: SessionState,
  params: PromptRequest,
  context: AgentContext,
  signal: AbortSignal,
  capabilities: ClientCapabilities,
): Promise<PromptResponse> {
  session.prompts += 1;
  const tag = `${params.sessionId.slice(0, 8)}-${session.prompts}`;
  const editor = editorClient(context, params.sessionId, capabilities);
  const say = (text: string) =>
    editor.update({ sessionUpdate: "agent_message_chunk", content: { type: "text", text } });
  let reads = 0;
  const issue = await issueFromPrompt(params.prompt, session.cwd, (path) =>
    readAttached(editor, path, `${tag}-attached-${++reads}`),
  );
  if (!issue) {
    await say("Tell me what to fix or change: Tanuki plans it, edits a copy, tests it in the sandbox and reviews it.");
    return { stopReason: "end_turn" };
  }
  if (signal.aborted) return { stopReason: "cancelled" };
  const task: Task = {
    id: `acp-${tag}`,
    kind: "fix",
    repoPath: session.cwd,
    issue: { title: issue.title, body: issue.body },
    branchName: tanukiBranch.editor(tag, issue.title),
  };
  const updates = new RunUpdates((update) => void editor.update(update));
  const { result, reportDir } = await options.run({ task, onEvent: updates.onEvent, signal });
  if (result.outcome === "cancelled" || signal.aborted) {
    await say(describeRun(result, reportDir, issue.notes));
    return { stopReason: "cancelled" };
  }
  const diff = result.attempts.find((attempt) => attempt.attempt === result.bestAttempt)?.diff ?? "";
  const offer = await offerChange({
    diff,
    cwd: session.cwd,
    client: editor,
    signal,
    title:
      result.outcome === "fixed"
        ? "Apply Tanuki's fix (tests pass)"
        : `Apply Tanuki's best attempt (${result.outcome})`,
    idPrefix: tag,
    preapproved: session.alwaysApply,
  });
  if (offer.alwaysAllow) session.alwaysApply = true;
  if (offer.status === "applied") updates.finishPlan();
  await say(`${describeRun(result, reportDir, issue.notes)}\n${describeOffer(offer, result.branch)}`);
  return { stopReason: offer.status === "cancelled" || signal.aborted ? "cancelled" : "end_turn" };
}
