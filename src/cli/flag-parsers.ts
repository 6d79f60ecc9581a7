import { type Command, InvalidArgumentError, Option } from "commander";
import { ThreadCount } from "../config/cli-env.js";

/**
 * Commander argument parsers: a flag's text becomes a typed value while the command line is parsed, and a bad
 * value is refused by commander itself (`error: option '--plans <k>' argument 'x' is invalid. …`, exit 2) before
 * anything runs. Each throws commander's `InvalidArgumentError` with what was expected.
 */

/** A whole number `>= min` (and `<= max` when given). */
export function wholeNumber(min: number, max?: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
      throw new InvalidArgumentError(
        max === undefined ? `expected a whole number ≥ ${min}.` : `expected a whole number from ${min} to ${max}.`,
      );
    }
    return n;
  };
}

/** A number of minutes > 0 (fractions allowed), returned in ms. */
export function minutesToMs(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError("expected a positive number of minutes.");
  }
  return Math.round(n * 60_000);
}

/** Comma-separated items, trimmed, empty ones dropped. */
export function commaList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

/** A generation thread count (whole number 1..512), as `TANUKI_THREADS` takes it. */
export function threadCount(value: string): number {
  const parsed = ThreadCount.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError("expected a whole number from 1 to 512.");
  return parsed.data;
}

/** The run-budget flags `tanuki fix` and `tanuki eval` share, parsed (see {@link addRunBudgetOptions}). */
export interface RunBudgetFlags {
  maxAttempts?: number;
  /** `--time-budget`, given in minutes, held in ms. */
  timeBudget?: number;
  /** Tokens. */
  tokenBudget?: number;
  plans?: number;
  threads?: number;
}

/**
 * Add `--max-attempts`, `--time-budget` (minutes), `--token-budget`, `--plans` and `--threads` with their parsers.
 * @param per  what a budget applies to in the help text (`the run`, `task`)
 */
export function addRunBudgetOptions(command: Command, per: string): Command {
  return command
    .addOption(
      new Option("--max-attempts <n>", `max code→test→review attempts ${per} (default 3)`).argParser(wholeNumber(1)),
    )
    .addOption(new Option("--time-budget <minutes>", `wall-clock budget ${per} (default 30)`).argParser(minutesToMs))
    .addOption(
      new Option("--token-budget <tokens>", `model token budget ${per} (default 400000)`).argParser(wholeNumber(1)),
    )
    .addOption(new Option("--plans <k>", "candidate plans the planner proposes (default 3)").argParser(wholeNumber(1)))
    .addOption(
      new Option("--threads <n>", "generation threads (default: chosen from the CPUs available)").argParser(
        threadCount,
      ),
    );
}
