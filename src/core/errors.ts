import type { EnvironmentReport } from "./environment-report.js";

/**
 * Typed error hierarchy. Every error Tanuki throws on purpose is a `TanukiError` with a literal `code`;
 * library errors are wrapped once, at the adapter that called the library, and kept as `cause`.
 *
 * Expected outcomes of the loop (`fixed`, `not-fixed`, `cancelled`, `budget-exhausted`) are NOT errors:
 * they are returned in {@link RunResult}.
 */
export type TanukiErrorCode =
  | "config"
  | "usage"
  | "model"
  | "model-download"
  | "sandbox"
  | "sandbox-image"
  | "environment"
  | "git"
  | "edit"
  | "path-policy"
  | "cancelled"
  | "github"
  | "budget"
  | "internal";

export class TanukiError extends Error {
  readonly code: TanukiErrorCode;

  /**
   * @param code  machine-readable kind of failure
   * @param message  what went wrong and, where there is one, the fix the user can apply
   * @param options.cause  the underlying error (a library error, an exit status)
   */
  constructor(code: TanukiErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Invalid configuration (environment, CLI flags, `.github/tanuki.yml`). Maps to CLI exit code 2. */
export class ConfigError extends TanukiError {
  /** One line per problem, each naming the key/flag and what is wrong with it. */
  readonly issues: string[];
  constructor(message: string, issues: string[] = [], options?: { cause?: unknown }) {
    super("config", message, options);
    this.issues = issues;
  }
}

/** Wrong command-line usage (missing argument, unreadable file). Maps to CLI exit code 2. */
export class UsageError extends TanukiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("usage", message, options);
  }
}

/** A model could not be loaded or did not answer. */
export class ModelError extends TanukiError {
  constructor(message: string, options?: { cause?: unknown; code?: "model" | "model-download" }) {
    super(options?.code ?? "model", message, options);
  }
}

/** The sandbox could not be created, reached, or cleaned up (not: a command that failed inside it). */
export class SandboxError extends TanukiError {
  constructor(message: string, options?: { cause?: unknown; code?: "sandbox" | "sandbox-image" }) {
    super(options?.code ?? "sandbox", message, options);
  }
}

/**
 * A repository's environment could not be built where a caller needs it built and has no outcome to report it in
 * (the loop reports it as its outcome `environment-error` instead). `report` holds the failing command, the
 * problem and the log's tail.
 */
export class EnvironmentError extends TanukiError {
  readonly report: EnvironmentReport;
  constructor(message: string, report: EnvironmentReport) {
    super("environment", message);
    this.report = report;
  }
}

/** A git operation failed. `command` is the git invocation, for debugging. */
export class GitError extends TanukiError {
  readonly command: string;
  constructor(message: string, command: string, options?: { cause?: unknown }) {
    super("git", message, options);
    this.command = command;
  }
}

/** An edit path was refused by the path policy (outside the repository, `.git/`, symlink escape, workflows). */
export class PathPolicyError extends TanukiError {
  readonly path: string;
  constructor(message: string, path: string) {
    super("path-policy", message);
    this.path = path;
  }
}

/** Work was cancelled through an AbortSignal. */
export class CancelledError extends TanukiError {
  constructor(message = "cancelled", options?: { cause?: unknown }) {
    super("cancelled", message, options);
  }
}

/**
 * A job that is not a fix run (a review, a failure analysis) spent its wall-clock or token budget. (A fix run
 * reports this as its outcome `budget-exhausted` instead.)
 */
export class BudgetExhaustedError extends TanukiError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("budget", message, options);
  }
}

/** True when `err` is a TanukiError with the given code. */
export function isTanukiError(err: unknown, code?: TanukiErrorCode): err is TanukiError {
  return err instanceof TanukiError && (code === undefined || err.code === code);
}
