import type { JobKind } from "../store/job-store.js";

/**
 * What the runner needs to redo a job the App accepted: the command and its extras. Everything else (the issue,
 * the pull request, the configuration) the runner reads from GitHub at the pinned commit.
 *
 * - `fix`: fix an issue, or address a pull request's findings (which one follows from the number);
 * - `review`: review a pull request at `sha`;
 * - `check`: root-cause analysis (and, per the configuration, a fix) of the failing check `checkName`.
 */
export interface DispatchCommand {
  command: "fix" | "review" | "check";
  /** Text after `/tanuki fix`. */
  instructions?: string;
  /** Name of the failing check (`check` only). */
  checkName?: string;
  /** Actions job id of the failing check, when its log can be downloaded (`check` only). */
  checkJobId?: number;
}

/**
 * The `workflow_dispatch` inputs of a Tanuki job, as the workflow declares them (see docs/action.md). Values are
 * strings, as GitHub passes them; empty means absent.
 */
export interface DispatchInputs {
  /** The App's job id; absent when a person starts the workflow by hand. */
  "job-id"?: string;
  command: DispatchCommand["command"];
  /** Issue or pull request number. */
  number: string;
  /** Commit the job works on (pinned by the App). Empty: the default branch's tip, or the pull request's head. */
  sha?: string;
  "status-comment-id"?: string;
  "check-run-id"?: string;
  instructions?: string;
  /** Login of the person who asked (the permission gate's subject when the workflow is started by the App). */
  requester?: string;
  "check-name"?: string;
  "check-job-id"?: string;
}

/** Every input name, in the order the workflow declares them (GitHub accepts at most 25). */
export const DISPATCH_INPUT_NAMES = [
  "job-id",
  "command",
  "number",
  "sha",
  "status-comment-id",
  "check-run-id",
  "instructions",
  "requester",
  "check-name",
  "check-job-id",
] as const satisfies readonly (keyof DispatchInputs)[];

/** The command a job kind is redone with on the runners. */
export function commandOfKind(kind: JobKind): DispatchCommand["command"] {
  return kind === "review" ? "review" : kind === "failing-check" ? "check" : "fix";
}

/**
 * Encode a job for `workflow_dispatch`: strings only, absent values left out (the workflow's defaults apply).
 * Instructions are capped at 4,000 characters, as the command parser caps them.
 */
export function encodeDispatchInputs(job: {
  jobId: string;
  number: number;
  sha: string;
  statusCommentId?: number;
  checkRunId?: number;
  requester?: string;
  command: DispatchCommand;
}): Record<string, string> {
  const { command } = job;
  const inputs: Record<string, string | undefined> = {
    "job-id": job.jobId,
    command: command.command,
    number: String(job.number),
    sha: job.sha,
    "status-comment-id": job.statusCommentId?.toString(),
    "check-run-id": job.checkRunId?.toString(),
    instructions: command.instructions?.slice(0, 4_000),
    requester: job.requester,
    "check-name": command.checkName,
    "check-job-id": command.checkJobId?.toString(),
  };
  return Object.fromEntries(
    Object.entries(inputs).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""),
  );
}
