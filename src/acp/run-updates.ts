import type { PlanEntry, SessionUpdate } from "@agentclientprotocol/sdk";
import type { RunEvent } from "../core/events.js";
import { describeTestCounts } from "../core/test-report.js";

/** Plan entries after the plan's own steps: what the loop does with them, in order. */
const CLOSING_ENTRIES = ["Run the tests in the sandbox", "Adversarial review", "Offer the change to the editor"];

/** Longest text of one plan entry or thought line sent to the editor. */
const MAX_LINE_CHARS = 300;

function line(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= MAX_LINE_CHARS ? flat : `${flat.slice(0, MAX_LINE_CHARS - 1)}…`;
}

/**
 * Turns the loop's progress events into ACP `session/update`s as they happen:
 * - the chosen plan as a `plan` update (its steps, then tests, review and the hand-over), whose entries move
 *   from `pending` to `in_progress` to `completed` as the phases go (each update carries the whole list, as ACP
 *   requires);
 * - each test run in the Docker sandbox as an `execute` tool call (in progress, then completed or failed with
 *   the counts);
 * - phases, attempts, findings and log lines as `agent_thought_chunk`s (the editor shows them as the agent's
 *   reasoning), each one line.
 *
 * Model text in these lines (plan steps, log messages) is data shown to the user, never interpreted.
 */
export class RunUpdates {
  private entries: PlanEntry[] = [];
  private steps = 0;
  private testCalls = 0;
  private openTest: string | undefined;

  /** @param send  delivers one update (must not throw) */
  constructor(private readonly send: (update: SessionUpdate) => void) {}

  /** The listener to give the loop. Never throws. */
  readonly onEvent = (event: RunEvent): void => {
    try {
      this.handle(event);
    } catch {
      // Progress is best effort: a rendering problem must never break a run.
    }
  };

  /** Marks every entry completed (the change was offered): the plan ends done in the editor. */
  finishPlan(): void {
    if (this.entries.length === 0) return;
    this.entries = this.entries.map((entry) => ({ ...entry, status: "completed" }));
    this.sendPlan();
  }

  private handle(event: RunEvent): void {
    switch (event.type) {
      case "plan":
        this.steps = event.steps.length;
        this.entries = [
          ...event.steps.map(
            (step): PlanEntry => ({
              content: line(`${step.intent}${step.files.length > 0 ? ` (${step.files.join(", ")})` : ""}`),
              priority: "high",
              status: "pending",
            }),
          ),
          ...CLOSING_ENTRIES.map((content): PlanEntry => ({ content, priority: "medium", status: "pending" })),
        ];
        this.thought(`Plan chosen: ${event.summary}`);
        this.sendPlan();
        return;
      case "phase":
        this.onPhase(event.phase, event.attempt, event.detail);
        return;
      case "attempt":
        this.thought(`Attempt ${event.attempt} of ${event.maxAttempts}`);
        return;
      case "tests":
        this.onTests(event);
        return;
      case "setup-output":
        this.thought(`Installing: ${event.command}${event.tail.at(-1) ? ` — ${event.tail.at(-1)}` : ""}`);
        return;
      case "finding":
        this.thought(`Reviewer finding (${event.severity}) at ${event.file}:${event.line}`);
        return;
      case "log":
        this.thought(event.message);
        return;
      case "download":
      case "done":
        return;
    }
  }

  private onPhase(phase: string, attempt: number | undefined, detail: string | undefined): void {
    this.thought(`${phase}${attempt !== undefined ? ` (attempt ${attempt})` : ""}${detail ? ` — ${detail}` : ""}`);
    if (phase === "code") this.mark(0, this.steps, "in_progress");
    if (phase === "test" && attempt !== undefined) {
      this.mark(0, this.steps, "completed");
      this.mark(this.steps, this.steps + 1, "in_progress");
    }
    if (phase === "review") {
      this.mark(this.steps, this.steps + 1, "completed");
      this.mark(this.steps + 1, this.steps + 2, "in_progress");
    }
    if (phase === "aggregate") this.mark(0, this.steps + 2, "completed");
    if (phase === "test") this.startTest(attempt, detail);
  }

  private startTest(attempt: number | undefined, detail: string | undefined): void {
    this.testCalls += 1;
    const toolCallId = `tests-${this.testCalls}`;
    this.openTest = toolCallId;
    const which = attempt === undefined ? (detail ?? "base commit") : `attempt ${attempt}`;
    this.send({
      sessionUpdate: "tool_call",
      toolCallId,
      title: `Run the tests in the Docker sandbox (${which})`,
      kind: "execute",
      status: "in_progress",
    });
  }

  private onTests(event: Extract<RunEvent, { type: "tests" }>): void {
    const text = `Tests ${event.which === "before" ? "on the base commit" : "after the change"}: ${describeTestCounts(event)} (exit code ${event.exitCode})`;
    const result = {
      status: event.exitCode === 0 ? ("completed" as const) : ("failed" as const),
      content: [{ type: "content" as const, content: { type: "text" as const, text } }],
      rawOutput: { passed: event.passed, failed: event.failed, exitCode: event.exitCode },
    };
    const open = this.openTest;
    this.openTest = undefined;
    if (open !== undefined) {
      this.send({ sessionUpdate: "tool_call_update", toolCallId: open, ...result });
      return;
    }
    // A further run inside the same phase (e.g. the new tests on the base commit, for the proof).
    this.testCalls += 1;
    this.send({
      sessionUpdate: "tool_call",
      toolCallId: `tests-${this.testCalls}`,
      title: "Run the tests in the Docker sandbox",
      kind: "execute",
      ...result,
    });
  }

  private mark(from: number, to: number, status: PlanEntry["status"]): void {
    if (this.entries.length === 0) return;
    let changed = false;
    this.entries = this.entries.map((entry, index) => {
      if (index < from || index >= to || entry.status === status || entry.status === "completed") return entry;
      changed = true;
      return { ...entry, status };
    });
    if (changed) this.sendPlan();
  }

  private sendPlan(): void {
    this.send({ sessionUpdate: "plan", entries: this.entries.map((entry) => ({ ...entry })) });
  }

  private thought(text: string): void {
    this.send({ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: `${line(text)}\n` } });
  }
}
