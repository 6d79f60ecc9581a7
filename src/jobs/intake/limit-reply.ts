import type { GitHubPort } from "../../github/github-port.js";
import type { JobsContext } from "../jobs-context.js";
import type { RepoTarget } from "../repo-target.js";
import type { CommandLimitSettings, LimitVerdict } from "./command-limits.js";
import type { IntakeResult } from "./intake-result.js";

/** A command refused by a limit. */
export type Refusal = Extract<LimitVerdict, { ok: false }>;

/**
 * The one reply to a command refused by a limit: which limit, and when to try again (UTC, minute precision).
 * @param now epoch ms
 */
export function overLimitText(user: string, refusal: Refusal, settings: CommandLimitSettings, now: number): string {
  const minutes = Math.round(settings.windowMs / 60_000);
  const window = minutes >= 1 ? `${minutes} minute${minutes === 1 ? "" : "s"}` : `${settings.windowMs / 1000} s`;
  const why = {
    user: `you have sent ${settings.perUser} commands to this repository within ${window}, the most Tanuki accepts from one person`,
    repository: `this repository has had ${settings.perRepo} commands within ${window}, the most Tanuki accepts`,
    queue: `Tanuki's queue is full (${settings.maxWaitingPerRepo} jobs waiting in this repository, or ${settings.maxWaiting} in all)`,
  }[refusal.limit];
  const at = new Date(now + refusal.retryAfterMs).toISOString().slice(0, 16).replace("T", " ");
  const inMinutes = Math.max(1, Math.ceil(refusal.retryAfterMs / 60_000));
  return (
    `@${user}, this command was not accepted: ${why}. Try again after ${at} UTC (in about ${inMinutes} ` +
    `minute${inMinutes === 1 ? "" : "s"}). Commands sent before then get no answer.`
  );
}

/**
 * Refuse a command over a limit: log it and, only when `refusal.reply` (the first refusal of this user in this
 * repository in the window), post {@link overLimitText} on the issue or pull request. No reaction, no status comment.
 * @param github the repository's port when the caller already has one; otherwise made only if a reply is due
 * @throws GitHubError when the reply cannot be posted
 */
export async function refuseOverLimit(
  ctx: JobsContext,
  request: { target: RepoTarget; number: number; user: string },
  refusal: Refusal,
  github?: GitHubPort,
): Promise<IntakeResult> {
  const { target, number, user } = request;
  const reason = `@${user}: over the ${refusal.limit} limit; retry in ${Math.ceil(refusal.retryAfterMs / 1000)} s`;
  ctx.log.info(
    { repo: `${target.owner}/${target.repo}`, number, user, limit: refusal.limit, replied: refusal.reply },
    reason,
  );
  if (refusal.reply && ctx.limits) {
    const port = github ?? (await ctx.github(target.installationId, target.owner, target.repo));
    await port.createComment(number, overLimitText(user, refusal, ctx.limits.settings, ctx.scheduler.now()));
  }
  return { kind: "refused", reason };
}
