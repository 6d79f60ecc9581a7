import type { GitHubPort } from "../../github/github-port.js";
import { codeSpan } from "../../intake/inert-text.js";
import type { JobsContext } from "../jobs-context.js";
import type { JobArgs, JobOutcome } from "./job-lifecycle.js";

/** The command whose job worked on a pinned pull request head: what the note says was done and how to redo it. */
export type PinnedHeadCommand = "review" | "fix";

/** A pull request job pinned to a head commit. */
export interface PinnedHead {
  /** Pull request number. */
  number: number;
  /** Full SHA of the head the job works on: the pull request's head when the command was handled. */
  sha: string;
  command: PinnedHeadCommand;
}

/**
 * The note for a status comment when a pull request's head moved after the command: both SHAs short, in code
 * spans, and the command that works on the new head.
 * @param pinned  full SHA the job worked on
 * @param current full SHA of the pull request's head now
 */
export function headMovedNote(command: PinnedHeadCommand, pinned: string, current: string): string {
  const [done, redo] = command === "review" ? ["Reviewed", "review"] : ["Worked on", "work on"];
  return (
    `${done} ${codeSpan(pinned.slice(0, 7))} (the head when the command was posted); the branch has moved to ` +
    `${codeSpan(current.slice(0, 7))} since: comment \`/tanuki ${command}\` again to ${redo} the new head.`
  );
}

/**
 * Wrap a job's work so that, once it returns an outcome that is not `cancelled`, the pull request's head is read
 * again; when it is neither the pinned SHA nor the commit the job pushed itself (`outcome.pushed`), the outcome's
 * details end with {@link headMovedNote}. The work itself is untouched: it works on `pinned.sha` only. A failed
 * read is logged as a warning and leaves the outcome as it is.
 */
export function noteWhenHeadMoved(
  ctx: Pick<JobsContext, "log">,
  pinned: PinnedHead,
  work: (args: JobArgs) => Promise<JobOutcome>,
): (args: JobArgs) => Promise<JobOutcome> {
  return async (args) => {
    const outcome = await work(args);
    if (outcome.state === "cancelled" || args.signal.aborted) return outcome;
    const current = await currentHead(args.github, pinned.number).catch((err: unknown) => {
      ctx.log.warn({ err, jobId: args.record.id, pr: pinned.number }, "could not read the pull request's head");
      return undefined;
    });
    if (current === undefined || current === pinned.sha || current === outcome.pushed) return outcome;
    return { ...outcome, details: [...outcome.details, headMovedNote(pinned.command, pinned.sha, current)] };
  };
}

async function currentHead(github: GitHubPort, number: number): Promise<string> {
  return (await github.getPullRequest(number)).headSha;
}
