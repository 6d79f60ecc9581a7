/**
 * What an intake did with an event. The App ignores it (the webhook is already acknowledged); the Action maps it
 * to its `status` output and exit code.
 *
 * - `started`: a job was queued (or dispatched to the runners); `done` settles when it has finished and been
 *   reported (never rejects).
 * - `refused`: the user lacks the configured permission (one polite reply was posted), or the App's command limits
 *   refused the command (one reply per user, repository and window; see `command-limits.ts`).
 * - `rejected`: `.github/tanuki.yml` is invalid; the problems were reported, nothing ran.
 * - `busy`: another job holds the issue or pull request; the user was told.
 * - `answered`: a reply without a job (help, cancel, a command that does not apply here).
 * - `ignored`: nothing to do (not a command, another label, filtered out by the configuration).
 */
export type IntakeResult =
  | { kind: "started"; jobId: string; done: Promise<void> }
  | { kind: "refused"; reason: string }
  | { kind: "rejected"; reason: string }
  | { kind: "busy"; reason: string }
  | { kind: "answered"; reason: string }
  | { kind: "ignored"; reason: string };

/** An `ignored` result. */
export function ignored(reason: string): IntakeResult {
  return { kind: "ignored", reason };
}
