import cliProgress from "cli-progress";
import type { RunEvent } from "../core/events.js";
import { describeTestCounts } from "../core/test-report.js";
import { stripTerminalControls } from "../intake/terminal-text.js";

/** Where progress goes: a writable stream (stderr) and whether it is an interactive terminal. */
export interface ProgressOutput {
  write(text: string): void;
  isTTY: boolean;
}

/** Format ms as `m:ss`. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** ANSI/VT escape sequences: CSI (`ESC [ … final`), OSC (`ESC ] … BEL|ESC \\`) and two-character ones (ECMA-48). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal escapes is the point
const ESCAPE_SEQUENCE = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[\s\S])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]+/g;

/**
 * `text` on one line, safe for a terminal: escape sequences removed, other control characters (line breaks
 * included) turned into spaces; cut to `max` characters. Runs in linear time (no nested quantifiers).
 */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(ESCAPE_SEQUENCE, "").replace(CONTROL_CHARACTERS, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/**
 * Renders the loop's RunEvents as live progress: phase, attempt, test counts and elapsed time on one line that is
 * rewritten in place on a terminal (one line per change elsewhere, e.g. CI logs), and a progress bar while a model
 * downloads (cli-progress).
 */
export class ProgressRenderer {
  private attempt = "";
  private tests = "";
  private bar: cliProgress.SingleBar | undefined;
  private lastLine = "";

  constructor(
    private readonly out: ProgressOutput,
    private readonly stream: NodeJS.WritableStream = process.stderr,
  ) {}

  /** Handle one event. Never throws. */
  readonly onEvent = (event: RunEvent): void => {
    try {
      this.render(event);
    } catch {
      // Progress is best effort: a rendering problem must never break a run.
    }
  };

  private render(event: RunEvent): void {
    switch (event.type) {
      case "download":
        this.renderDownload(event.what, event.downloadedBytes, event.totalBytes);
        return;
      case "attempt":
        this.attempt = `attempt ${event.attempt}/${event.maxAttempts}`;
        return;
      case "tests": {
        this.tests = `tests ${event.which}: ${describeTestCounts(event)}`;
        this.line(event.elapsedMs, this.tests);
        return;
      }
      case "setup-output": {
        const last = event.tail.at(-1);
        this.line(
          event.elapsedMs,
          `environment — ${oneLine(event.command, 60)}${last ? `: ${oneLine(last, 80)}` : ""}`,
        );
        return;
      }
      case "phase":
        this.line(event.elapsedMs, `${event.phase}${event.detail ? ` — ${event.detail}` : ""}`);
        return;
      case "finding":
        this.persist(`  finding (${event.severity}) ${event.file}:${event.line}`);
        return;
      case "log":
        this.persist(`${event.level === "info" ? "" : `${event.level}: `}${event.message}`);
        return;
      case "done":
        this.persist(`[${formatElapsed(event.elapsedMs)}] done: ${event.outcome} — ${event.reason}`);
        return;
    }
  }

  private renderDownload(what: string, done: number, total?: number): void {
    if (!this.bar) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `downloading ${what} [{bar}] {percentage}% {value}/{total} MB`,
          stream: this.stream,
          noTTYOutput: !this.out.isTTY,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(Math.max(1, Math.round((total ?? done) / 1e6)), 0);
    }
    this.bar.update(Math.round(done / 1e6));
    if (total !== undefined && done >= total) {
      this.bar.stop();
      this.bar = undefined;
    }
  }

  // Every printed line goes through stripTerminalControls: findings, log messages, phase details and reasons
  // carry model, repository and test-output text, which must not drive the terminal (title, hyperlinks, clipboard).
  private line(elapsedMs: number, what: string): void {
    const text = stripTerminalControls(
      `[${formatElapsed(elapsedMs)}] ${this.attempt ? `${this.attempt} · ` : ""}${what}`,
    );
    if (text === this.lastLine) return;
    this.lastLine = text;
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${text}`);
    else this.out.write(`${text}\n`);
  }

  private persist(text: string): void {
    if (this.out.isTTY && this.lastLine) this.out.write("\r\x1b[2K");
    this.out.write(`${stripTerminalControls(text)}\n`);
    if (this.out.isTTY && this.lastLine) this.out.write(this.lastLine);
  }

  /** End the live line (call before printing the final report). */
  finish(): void {
    this.bar?.stop();
    if (this.out.isTTY && this.lastLine) this.out.write("\n");
    this.lastLine = "";
  }
}
