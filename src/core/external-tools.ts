/**
 * Tools of other servers (MCP servers an operator lists) that the agents may call, as the loop sees them: only the
 * tools the operator allowlisted, read-only unless the operator allowed writes for that server. The adapter
 * (`src/mcp/mcp-client.ts`) implements it; tests pass fakes or a real test server through the same door.
 */
export interface ExternalTool {
  /** The server's name in the operator's configuration (e.g. `docs`). */
  server: string;
  /** The tool's name on that server (e.g. `search_docs`). */
  name: string;
  /** The server's description of the tool: untrusted text (the server wrote it). */
  description: string;
  /** JSON Schema of the arguments, as the server declared it. */
  inputSchema: Record<string, unknown>;
  /** Whether the server declared it read-only (`readOnlyHint`); a write tool is listed only when allowed. */
  readOnly: boolean;
}

/** What a tool call answered, as text (structured content serialised as JSON); untrusted. */
export interface ExternalToolResult {
  text: string;
  /** The server reported the call as failed (`isError`). */
  isError: boolean;
}

/** The port: allowlisted tools of the configured servers. */
export interface ExternalTools {
  /** The tools the agents may call (already filtered by the allowlists). */
  list(): readonly ExternalTool[];
  /**
   * Calls one listed tool. The text is capped (see the adapter) and is the server's answer, unfenced: callers fence
   * it before it reaches a prompt.
   *
   * @throws Error when the tool is not listed (not allowlisted, a write tool not allowed), or the call fails
   * @throws CancelledError when `signal` aborts
   */
  call(server: string, name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ExternalToolResult>;
  /** Stops the servers this process started and closes connections. Idempotent. */
  close(): Promise<void>;
}
