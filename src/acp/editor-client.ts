import type {
  AgentContext,
  ClientCapabilities,
  PermissionOption,
  RequestPermissionOutcome,
  SessionUpdate,
  ToolCallUpdate,
} from "@agentclientprotocol/sdk";

/**
 * What the ACP agent asks of the editor for one session: its files (the editor's buffers, unsaved changes
 * included), its permission, its terminal, and the session's update stream. Every path is absolute, as ACP wants.
 * A thin view of the SDK's `AgentContext` bound to one session id, so the rest of `src/acp` never spells method
 * names or session ids.
 */
export interface EditorClient {
  /** What the editor said it can do in `initialize` (fs, terminal). */
  readonly capabilities: ClientCapabilities;
  /** Sends one `session/update` notification. Never throws: a lost update must not end the prompt. */
  update(update: SessionUpdate): Promise<void>;
  /** `fs/read_text_file`: the editor's current content of `path` (absolute). @throws the client's error */
  readTextFile(path: string): Promise<string>;
  /** `fs/write_text_file`: replaces `path` (absolute) with `content` in the editor. @throws the client's error */
  writeTextFile(path: string, content: string): Promise<void>;
  /**
   * `session/request_permission` for a tool call; aborting `signal` withdraws the request (the client answers
   * `cancelled`).
   */
  requestPermission(
    toolCall: ToolCallUpdate,
    options: PermissionOption[],
    signal: AbortSignal,
  ): Promise<RequestPermissionOutcome>;
  /**
   * Runs `command` with `args` (no shell) in `cwd` in an editor terminal and waits for its exit, killing it when
   * `signal` aborts. Only when `capabilities.terminal` is true.
   * @returns the terminal id (the editor keeps showing it), the exit code (null when killed) and its output
   */
  runInTerminal(
    command: string,
    args: string[],
    cwd: string,
    signal: AbortSignal,
  ): Promise<{ terminalId: string; exitCode: number | null; output: string }>;
}

/** Bytes of a client terminal's output the agent keeps (the editor shows all of it). */
const TERMINAL_OUTPUT_BYTES = 64 * 1024;

/** The {@link EditorClient} of `sessionId` over the SDK's agent-side context. */
export function editorClient(context: AgentContext, sessionId: string, capabilities: ClientCapabilities): EditorClient {
  return {
    capabilities,
    async update(update) {
      try {
        await context.notify("session/update", { sessionId, update });
      } catch {
        // The connection is closing; the prompt's answer (or its absence) tells the editor the rest.
      }
    },
    async readTextFile(path) {
      return (await context.request("fs/read_text_file", { sessionId, path })).content;
    },
    async writeTextFile(path, content) {
      await context.request("fs/write_text_file", { sessionId, path, content });
    },
    async requestPermission(toolCall, options, signal) {
      const answer = await context.request(
        "session/request_permission",
        { sessionId, toolCall, options },
        { cancellationSignal: signal },
      );
      return answer.outcome;
    },
    async runInTerminal(command, args, cwd, signal) {
      const terminal = await context.createTerminal({
        sessionId,
        command,
        args,
        cwd,
        outputByteLimit: TERMINAL_OUTPUT_BYTES,
      });
      const kill = () => void terminal.kill().catch(() => undefined);
      signal.addEventListener("abort", kill, { once: true });
      try {
        const exit = await terminal.waitForExit();
        const output = await terminal.currentOutput();
        return { terminalId: terminal.id, exitCode: exit.exitCode ?? null, output: output.output };
      } finally {
        signal.removeEventListener("abort", kill);
        await terminal.release().catch(() => undefined);
      }
    },
  };
}
