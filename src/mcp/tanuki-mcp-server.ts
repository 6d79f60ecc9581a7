import { isAbsolute } from "node:path";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { RunEvent } from "../core/events.js";
import type { Finding } from "../core/finding.js";
import type { TestReport } from "../core/test-report.js";
import type { McpWork } from "./mcp-work.js";
import { EvalInput, EvalOutput, FixInput, FixOutput, ReviewInput, ReviewOutput } from "./tool-schemas.js";

/** Longest progress message sent, characters. */
const MAX_MESSAGE_CHARS = 200;

/** The progress line of a run event, or undefined for events not worth a notification. */
export function progressMessage(event: RunEvent): string | undefined {
  const text = (() => {
    switch (event.type) {
      case "phase":
        return `${event.phase}${event.attempt !== undefined ? ` (attempt ${event.attempt})` : ""}${event.detail ? ` — ${event.detail}` : ""}`;
      case "plan":
        return `plan chosen: ${event.summary}`;
      case "tests":
        return `tests ${event.which}: ${event.passed ?? "?"} passed, ${event.failed ?? "?"} failed (exit ${event.exitCode})`;
      case "finding":
        return `reviewer finding (${event.severity}) at ${event.file}:${event.line}`;
      case "log":
        return event.level === "info" ? undefined : `${event.level}: ${event.message}`;
      case "done":
        return `done: ${event.outcome}`;
      default:
        return undefined;
    }
  })();
  if (text === undefined) return undefined;
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= MAX_MESSAGE_CHARS ? flat : `${flat.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}

type Extra = {
  _meta?: { progressToken?: string | number };
  sendNotification: (notification: {
    method: "notifications/progress";
    params: { progressToken: string | number; progress: number; message?: string };
  }) => Promise<void>;
};

/** A run-event listener that sends MCP progress notifications when the client asked for them (a progress token). */
function progressListener(extra: Extra): (event: RunEvent) => void {
  const token = extra._meta?.progressToken;
  let progress = 0;
  return (event) => {
    const message = progressMessage(event);
    if (token === undefined || message === undefined) return;
    progress += 1;
    void extra
      .sendNotification({ method: "notifications/progress", params: { progressToken: token, progress, message } })
      .catch(() => undefined);
  };
}

const counts = (report: TestReport) => ({
  ...(report.passed !== undefined ? { passed: report.passed } : {}),
  ...(report.failed !== undefined ? { failed: report.failed } : {}),
  exitCode: report.exitCode,
});

const finding = (f: Finding) => ({
  file: f.file,
  line: f.line,
  severity: f.severity,
  explanation: f.explanation,
  ...(f.suggestion ? { suggestion: f.suggestion } : {}),
});

/** A tool result carrying `structured` both as structured content and as its JSON text (for older clients). */
function structuredResult(structured: Record<string, unknown>): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(structured, null, 2) }], structuredContent: structured };
}

function errorResult(error: unknown): CallToolResult {
  return { isError: true, content: [{ type: "text", text: (error as Error).message ?? String(error) }] };
}

function requireAbsolute(repo: string): void {
  if (!isAbsolute(repo)) throw new Error(`repo must be an absolute path, got ${JSON.stringify(repo)}`);
}

/**
 * Tanuki as an MCP server (one per connection): the tools
 *
 * - `fix`: runs the whole loop on a local repository (plan, code, tests in the Docker sandbox, adversarial review)
 *   and leaves the result on a `tanuki/…` branch; answers outcome, diff, tests before/after, open findings;
 * - `review`: the adversarial reviewer on the change `base..head`, with the project's tests run on `head`;
 * - `eval`: the project's tests at `base` and at `head` in the sandbox, compared test by test (fail→pass,
 *   pass→fail, …) as `tanuki eval` scores a patch; no model is involved;
 *
 * each with an output schema, results as structured content (and the same JSON as text), and MCP progress
 * notifications as the loop moves when the client sends a progress token. Cancelling the call cancels the run.
 * A failure before the run (no such repository, commit or sandbox) is a tool error (`isError`) with the reason.
 */
export function createTanukiMcpServer(work: McpWork, version: string): McpServer {
  const server = new McpServer({ name: "tanuki", title: "Tanuki", version });
  server.registerTool(
    "fix",
    {
      title: "Fix an issue with Tanuki's agent team",
      description:
        "Plans, edits a private copy of the repository, writes and runs tests in a Docker sandbox, has an adversarial " +
        "reviewer attack the change, retries, and leaves the best result on a tanuki/… branch of the repository. " +
        "Works from the last commit; the working tree is never touched. Takes minutes.",
      inputSchema: FixInput,
      outputSchema: FixOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, extra) => {
      try {
        requireAbsolute(args.repo);
        const { result, reportDir } = await work.fix({
          task: {
            id: `mcp-${Date.now().toString(36)}`,
            kind: "fix",
            repoPath: args.repo,
            issue: { title: args.title, body: args.body ?? args.title },
          },
          ...(args.testCommand ? { testCommand: args.testCommand } : {}),
          ...(args.maxAttempts ? { maxAttempts: args.maxAttempts } : {}),
          onEvent: progressListener(extra),
          signal: extra.signal,
        });
        const best = result.attempts.find((attempt) => attempt.attempt === result.bestAttempt);
        return structuredResult({
          outcome: result.outcome,
          reason: result.reason,
          ...(result.branch ? { branch: result.branch } : {}),
          ...(result.headSha ? { headSha: result.headSha } : {}),
          filesChanged: result.filesChanged,
          diff: best?.diff ?? "",
          ...(result.tests
            ? { tests: { before: counts(result.tests.before), after: counts(result.tests.after) } }
            : {}),
          openFindings: result.findings.filter((f) => f.resolved !== true).map(finding),
          usage: {
            promptTokens: result.usage.promptTokens,
            completionTokens: result.usage.completionTokens,
            calls: result.usage.calls,
          },
          reportDir,
        });
      } catch (error) {
        return errorResult(error);
      }
    },
  );
  server.registerTool(
    "review",
    {
      title: "Adversarial review of a change",
      description:
        "Runs the project's tests on the head commit in a Docker sandbox, then has Tanuki's adversarial reviewer attack " +
        "the change base..head (from their merge base): findings with file, line, severity and a suggestion.",
      inputSchema: ReviewInput,
      outputSchema: ReviewOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args, extra) => {
      try {
        requireAbsolute(args.repo);
        const review = await work.review({
          repoPath: args.repo,
          base: args.base,
          head: args.head ?? "HEAD",
          ...(args.title ? { title: args.title } : {}),
          onEvent: progressListener(extra),
          signal: extra.signal,
        });
        return structuredResult({
          verdict: review.verdict,
          summary: review.summary,
          headSha: review.headSha,
          findings: review.findings.map(finding),
          ...(review.tests ? { tests: counts(review.tests) } : {}),
        });
      } catch (error) {
        return errorResult(error);
      }
    },
  );
  server.registerTool(
    "eval",
    {
      title: "Score a change by its tests",
      description:
        "Runs the project's tests in a Docker sandbox with no network at base and at head (each in a fresh copy; the " +
        "working tree is never touched) and compares them test by test: fail→pass, pass→fail, pass→pass, with a " +
        "verdict (improved, regressed, unchanged, no-tests), the commands and their exit codes.",
      inputSchema: EvalInput,
      outputSchema: EvalOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args, extra) => {
      try {
        requireAbsolute(args.repo);
        const result = await work.eval({
          repoPath: args.repo,
          base: args.base,
          head: args.head ?? "HEAD",
          ...(args.testCommand ? { testCommand: args.testCommand } : {}),
          onEvent: progressListener(extra),
          signal: extra.signal,
        });
        return structuredResult(result);
      } catch (error) {
        return errorResult(error);
      }
    },
  );
  return server;
}
