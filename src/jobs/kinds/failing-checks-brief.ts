import type { FailedCheck, GitHubPort } from "../../github/github-port.js";
import { CHECK_RUN_NAME } from "../../github/github-port.js";
import { failingLogTail, MAX_LOG_CHARS } from "./failing-log.js";

/** Most failed checks whose logs go into a fix task; the others are named only. */
export const MAX_CHECK_LOGS = 5;
/** Most names listed of the failed checks beyond {@link MAX_CHECK_LOGS}. */
const MAX_LISTED_NAMES = 20;
/** Longest check name shown, characters. */
const MAX_NAME_CHARS = 100;
/** Characters kept back from a log's share for its heading, fence and the blank line before it. */
const PER_CHECK_OVERHEAD = 48;

/** Options of {@link failingChecksBrief}. */
export interface FailingChecksBriefOptions {
  /** Check names to leave out (the repository's `failingChecks.ignoreChecks`). */
  ignore: readonly string[];
  /**
   * Characters the whole brief may take, headings included (a log holding runs of 4+ backticks gets a longer fence
   * and may pass it by a few characters); each log's tail gets an equal share, at most {@link MAX_LOG_CHARS}.
   */
  maxChars: number;
}

/** Failed checks of a commit with the tail of each one's log, as Markdown for a fix task's description. */
export interface FailingChecksBrief {
  /** Names of the failed checks, in GitHub's order. */
  names: string[];
  /** `## Failing checks` with one `### name` section per check (its log tail in a code fence, or why it is missing). */
  text: string;
}

/**
 * The failed checks on `sha` (Tanuki's own check run and ignored checks left out) with a capped tail of each log,
 * for `/tanuki fix` on a pull request. The text is untrusted data: it goes into the task's issue body, which the
 * engine sanitizes and fences as untrusted. A log that cannot be downloaded is reported as unavailable, never thrown.
 *
 * @returns undefined when no check failed
 * @throws GitHubError when the check runs cannot be listed
 */
export async function failingChecksBrief(
  github: GitHubPort,
  sha: string,
  options: FailingChecksBriefOptions,
): Promise<FailingChecksBrief | undefined> {
  const checks = (await github.listFailedChecks(sha)).filter(
    (c) => c.name !== CHECK_RUN_NAME && !options.ignore.includes(c.name),
  );
  if (checks.length === 0) return undefined;
  const withLogs = checks.slice(0, MAX_CHECK_LOGS);
  const rest = checks.slice(MAX_CHECK_LOGS);
  const heading = `## Failing checks on ${sha.slice(0, 7)}`;
  const restLine = rest.length > 0 ? `Also failing (logs not included): ${nameList(rest)}` : "";
  const share =
    Math.floor((options.maxChars - heading.length - restLine.length) / withLogs.length) - PER_CHECK_OVERHEAD;
  const parts = [heading];
  for (const check of withLogs) {
    const name = shortName(check.name);
    parts.push(`### ${name}\n${await logSection(github, check, Math.min(MAX_LOG_CHARS, share - name.length))}`);
  }
  if (restLine) parts.push(restLine);
  return { names: checks.map((c) => c.name), text: parts.join("\n\n") };
}

/** The log tail in a code fence, or a line saying why there is none. */
async function logSection(github: GitHubPort, check: FailedCheck, maxChars: number): Promise<string> {
  let log: string;
  try {
    log = await failingLogTail(github, check, maxChars);
  } catch {
    return "(the log of this check is unavailable: it could not be downloaded)";
  }
  if (log.trim() === "") return "(this check reported no log or output)";
  const fence = "`".repeat(Math.max(3, longestBacktickRun(log) + 1));
  return `End of the log:\n${fence}text\n${log.replace(/\n$/, "")}\n${fence}`;
}

/** Names, comma-separated: the first {@link MAX_LISTED_NAMES}, then how many more. */
function nameList(checks: FailedCheck[]): string {
  const listed = checks.slice(0, MAX_LISTED_NAMES).map((c) => shortName(c.name));
  const more = checks.length - listed.length;
  return more > 0 ? `${listed.join(", ")} and ${more} more` : listed.join(", ");
}

function shortName(name: string): string {
  const oneLine = name.replace(/\s+/g, " ").trim();
  return oneLine.length <= MAX_NAME_CHARS ? oneLine : `${oneLine.slice(0, MAX_NAME_CHARS - 1)}…`;
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}
