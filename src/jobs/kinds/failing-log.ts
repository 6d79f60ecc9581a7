import type { FailedCheck, GitHubPort } from "../../github/github-port.js";

/** Most characters of a failing log handed to the engine (its tail). */
export const MAX_LOG_CHARS = 60_000;

/**
 * The tail of a failed check's log: the Actions job's log when the check has a job id, else the check run's output
 * text (`""` when it has none).
 *
 * @param maxChars  most characters returned (UTF-16 code units); the end of the log is kept, where failures show
 * @throws GitHubError when the job's log cannot be downloaded (expired, or no `actions: read` permission)
 */
export async function failingLogTail(
  github: GitHubPort,
  check: FailedCheck,
  maxChars = MAX_LOG_CHARS,
): Promise<string> {
  const log = check.jobId !== undefined ? await github.getJobLog(check.jobId) : (check.outputText ?? "");
  return tail(log, maxChars);
}

/** The last `max` characters of `text` (all of it when shorter). */
export function tail(text: string, max: number): string {
  if (max <= 0) return "";
  return text.length <= max ? text : text.slice(text.length - max);
}
