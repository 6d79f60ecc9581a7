import { delimitUntrusted } from "../intake/delimit.js";

/** Default cap on each stored stdout/stderr tail, characters (the last characters are kept). */
export const DEFAULT_MAX_TAIL_CHARS = 4_000;

/** One tool call as it really happened: what ran and what it printed. */
export interface ToolResult {
  /** What ran it, e.g. `sandbox.exec`, `git`, `edit`. */
  tool: string;
  /** The command line or action, e.g. `python3 -m pytest -q`. */
  command: string;
  exitCode: number;
  /** Last part of stdout (capped to `maxTailChars` when recorded). */
  stdoutTail: string;
  /** Last part of stderr (capped likewise). */
  stderrTail: string;
  /** ISO-8601 time the result was recorded. */
  at: string;
}

/** An entry of the world model, in the order recorded. `seq` is its 0-based position. */
export type WorldEntry =
  | ({ kind: "tool"; seq: number } & ToolResult)
  | { kind: "fact"; seq: number; key: string; value: string; at: string }
  | { kind: "note"; seq: number; text: string; at: string };

/** Options of a {@link WorldModel}. */
export interface WorldModelOptions {
  /** Clock for `at` stamps. Default `() => new Date()`. */
  now?: () => Date;
  /** Cap on stored stdout/stderr tails, characters. Default {@link DEFAULT_MAX_TAIL_CHARS}. */
  maxTailChars?: number;
}

function tail(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `…${text.slice(text.length - maxChars + 1)}`;
}

function renderEntry(entry: WorldEntry, maxTail: number): string {
  switch (entry.kind) {
    case "fact":
      return `[${entry.seq}] fact ${entry.key} = ${entry.value}`;
    case "note":
      return `[${entry.seq}] note: ${entry.text}`;
    case "tool": {
      const lines = [`[${entry.seq}] ${entry.tool}: ${entry.command} → exit ${entry.exitCode}`];
      const out = tail(entry.stdoutTail.trimEnd(), maxTail);
      const err = tail(entry.stderrTail.trimEnd(), maxTail);
      if (out) lines.push(`stdout:\n${out}`);
      if (err) lines.push(`stderr:\n${err}`);
      return lines.join("\n");
    }
  }
}

/**
 * The run's ground truth, append-only: every tool result (command, exit code, output tails), facts (latest value
 * per key wins when rendered) and notes. Agents are briefed from it, so they work from what happened, not from
 * what they assume happened. Entries are frozen once recorded; nothing is ever removed.
 */
export class WorldModel {
  private readonly log: WorldEntry[] = [];
  private readonly now: () => Date;
  private readonly maxTailChars: number;

  constructor(options: WorldModelOptions = {}) {
    this.now = options.now ?? (() => new Date());
    this.maxTailChars = options.maxTailChars ?? DEFAULT_MAX_TAIL_CHARS;
  }

  /** Records a tool result; `at` defaults to now; the tails are cut to their last `maxTailChars` characters. */
  addToolResult(result: Omit<ToolResult, "at"> & { at?: string }): void {
    this.push({
      kind: "tool",
      seq: this.log.length,
      tool: result.tool,
      command: result.command,
      exitCode: result.exitCode,
      stdoutTail: tail(result.stdoutTail, this.maxTailChars),
      stderrTail: tail(result.stderrTail, this.maxTailChars),
      at: result.at ?? this.now().toISOString(),
    });
  }

  /** Records a fact, e.g. `addFact("tests.before", "2 passed, 1 failed")`. A later fact with the same key wins. */
  addFact(key: string, value: string): void {
    this.push({ kind: "fact", seq: this.log.length, key, value, at: this.now().toISOString() });
  }

  /** Records a free-form note, e.g. `attempt 2: edit to calc.py did not apply`. */
  addNote(text: string): void {
    this.push({ kind: "note", seq: this.log.length, text, at: this.now().toISOString() });
  }

  /** Every entry, oldest first. */
  entries(): readonly WorldEntry[] {
    return this.log;
  }

  /** Tool results, oldest first. */
  toolResults(): ToolResult[] {
    return this.log.flatMap((e) =>
      e.kind === "tool"
        ? [
            {
              tool: e.tool,
              command: e.command,
              exitCode: e.exitCode,
              stdoutTail: e.stdoutTail,
              stderrTail: e.stderrTail,
              at: e.at,
            },
          ]
        : [],
    );
  }

  /** Latest value of each fact key. */
  facts(): Record<string, string> {
    const facts: Record<string, string> = {};
    for (const entry of this.log) if (entry.kind === "fact") facts[entry.key] = entry.value;
    return facts;
  }

  /**
   * Renders the model for a prompt, at most `maxChars` characters, delimited as data (tool output is untrusted).
   * The current facts come first; then tool results and notes, oldest first, but when they do not all fit the
   * newest win and the older ones are summarised as `(N earlier entries omitted)`. An entry too large for the
   * space left has its output tails shortened. Returns `""` when the model is empty or `maxChars` is too small for
   * anything useful.
   *
   * @param maxChars  cap on the returned text, characters, delimiters included
   */
  render(maxChars: number): string {
    if (this.log.length === 0) return "";
    const overhead = delimitUntrusted("world model", "").length + 64;
    let budget = maxChars - overhead;
    if (budget <= 0) return "";

    const factLines = Object.entries(this.facts()).map(([k, v]) => `- ${k}: ${v}`);
    let head = factLines.length > 0 ? `Facts:\n${factLines.join("\n")}\n` : "";
    if (head.length > budget) head = `${head.slice(0, Math.max(0, budget - 2))}…\n`;
    budget -= head.length;

    const events = this.log.filter((e) => e.kind !== "fact");
    const kept: string[] = [];
    for (let i = events.length - 1; i >= 0; i--) {
      const entry = events[i];
      if (!entry) continue;
      let text = renderEntry(entry, this.maxTailChars);
      for (let maxTail = 1_000; text.length + 1 > budget && maxTail >= 100; maxTail = Math.floor(maxTail / 2)) {
        text = renderEntry(entry, maxTail);
      }
      if (text.length + 1 > budget) break;
      kept.unshift(text);
      budget -= text.length + 1;
    }
    const omitted = events.length - kept.length;
    const body = [
      head,
      omitted > 0 ? `(${omitted} earlier entries omitted)\n` : "",
      kept.length > 0 ? `Events, oldest first:\n${kept.join("\n")}` : "",
    ].join("");
    const rendered = delimitUntrusted("world model", body.trimEnd());
    return rendered.length <= maxChars ? rendered : "";
  }

  private push(entry: WorldEntry): void {
    this.log.push(Object.freeze(entry));
  }
}
