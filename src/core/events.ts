import type { Phase, RunOutcome } from "./run-result.js";

/**
 * Progress events emitted by the loop while it runs. Entry points render them (CLI progress line, status comment,
 * check run); the trace records them. Discriminated by `type`.
 */
export type RunEvent =
  | { type: "phase"; phase: Phase; attempt?: number; detail?: string; elapsedMs: number }
  | {
      type: "tests";
      attempt?: number;
      which: "before" | "after";
      passed?: number;
      failed?: number;
      exitCode: number;
      elapsedMs: number;
    }
  | {
      /**
       * The environment phase's install step while it runs: the command and the last lines of its output (at most
       * a few, each capped), sent again as output arrives (throttled), so a slow or stuck install is visible.
       */
      type: "setup-output";
      command: string;
      tail: string[];
      elapsedMs: number;
    }
  | {
      /** The plan the critic chose, as soon as it is chosen: its summary and steps (intent, files, agent id). */
      type: "plan";
      summary: string;
      steps: { intent: string; files: string[]; agent: string }[];
      elapsedMs: number;
    }
  | { type: "attempt"; attempt: number; maxAttempts: number; elapsedMs: number }
  | { type: "finding"; attempt: number; severity: string; file: string; line: number; elapsedMs: number }
  | { type: "download"; what: string; downloadedBytes: number; totalBytes?: number }
  | { type: "log"; level: "info" | "warn" | "error"; message: string; elapsedMs: number }
  | { type: "done"; outcome: RunOutcome; reason: string; elapsedMs: number };

/** Receives progress events. Must not throw; must return quickly (do slow work asynchronously). */
export type RunEventListener = (event: RunEvent) => void;
