import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/**
 * The operator's limits on `/tanuki` commands (from the App's environment, see `config/app-env.ts`). A repository's
 * `.github/tanuki.yml` cannot change them.
 */
export interface CommandLimitSettings {
  /** Commands one user may send to one repository per window (every command counts, answered or not). */
  perUser: number;
  /** Commands from users with the required permission one repository accepts per window (`cancel` is free). */
  perRepo: number;
  /** Length of the fixed window, ms (>= 1000; rate-limiter-flexible counts whole seconds). */
  windowMs: number;
  /** Jobs waiting for a slot (all repositories) above which a new job command is refused. */
  maxWaiting: number;
  /** Jobs waiting for a slot in one repository above which a new job command there is refused. */
  maxWaitingPerRepo: number;
}

/** Defaults: 5 commands per user and 20 per repository in 10 minutes; 50 waiting jobs, 10 per repository. */
export const DEFAULT_COMMAND_LIMITS: CommandLimitSettings = {
  perUser: 5,
  perRepo: 20,
  windowMs: 10 * 60_000,
  maxWaiting: 50,
  maxWaitingPerRepo: 10,
};

/** Which limit refused a command. */
export type LimitName = "user" | "repository" | "queue";

/**
 * The verdict on one command: accepted, or refused by `limit`. `retryAfterMs` is the time until the limit's window
 * ends (for `queue`: one window, a guess). `reply` is true for the first refusal of this user in this repository
 * within that time: only that one gets an answer on GitHub.
 */
export type LimitVerdict = { ok: true } | { ok: false; limit: LimitName; retryAfterMs: number; reply: boolean };

/** Waiting jobs as the queue counts them (see `JobQueue.waiting`). */
export interface WaitingJobs {
  /** Jobs not yet running whose key starts with `prefix` (all jobs when absent). */
  waiting(prefix?: string): number;
}

/**
 * Per-user and per-repository limits on `/tanuki` commands and the bound of the job queue, in memory
 * (`RateLimiterMemory`: fixed windows that start at a key's first command; time is `Date.now()`, so tests fake
 * `Date`). Nothing here calls GitHub: the caller checks before its first API call and answers only when
 * `reply` is true. Keys are the repository `owner/repo` and the user's login, both lower-cased.
 */
export class CommandLimits {
  private readonly users: RateLimiterMemory;
  private readonly repos: RateLimiterMemory;
  /** One point per user and repository: the one reply of a window. */
  private readonly replies: RateLimiterMemory;

  /** @param settings the limits; counts must be >= 1 and `windowMs` >= 1000 */
  constructor(readonly settings: CommandLimitSettings) {
    const duration = Math.ceil(settings.windowMs / 1000);
    this.users = new RateLimiterMemory({ points: settings.perUser, duration });
    this.repos = new RateLimiterMemory({ points: settings.perRepo, duration });
    this.replies = new RateLimiterMemory({ points: 1, duration });
  }

  /** Count a command from `user` against their limit in `repo` (call before any GitHub call). */
  async admitUser(repo: RepoName, user: string): Promise<LimitVerdict> {
    const key = `${repoKey(repo)}:${user.toLowerCase()}`;
    const refused = await rejection(this.users.consume(key));
    return refused ? this.refuse("user", repo, user, refused.msBeforeNext) : { ok: true };
  }

  /**
   * Check the queue's bound (when `startsJob`), then count a command from a permitted user against the
   * repository's limit. A command refused by the queue is not counted.
   */
  async admitRepo(repo: RepoName, user: string, queue: WaitingJobs, startsJob: boolean): Promise<LimitVerdict> {
    const { maxWaiting, maxWaitingPerRepo, windowMs } = this.settings;
    if (
      startsJob &&
      (queue.waiting() >= maxWaiting || queue.waiting(`${repo.owner}/${repo.repo}#`) >= maxWaitingPerRepo)
    ) {
      return this.refuse("queue", repo, user, windowMs);
    }
    const refused = await rejection(this.repos.consume(repoKey(repo)));
    return refused ? this.refuse("repository", repo, user, refused.msBeforeNext) : { ok: true };
  }

  private async refuse(limit: LimitName, repo: RepoName, user: string, retryAfterMs: number): Promise<LimitVerdict> {
    const wait = Math.max(1000, retryAfterMs);
    const key = `${repoKey(repo)}:${user.toLowerCase()}`;
    const first = !(await rejection(this.replies.consume(key, 1, { customDuration: Math.ceil(wait / 1000) })));
    return { ok: false, limit, retryAfterMs: wait, reply: first };
  }
}

/** A repository as the limits name it. */
export interface RepoName {
  owner: string;
  repo: string;
}

function repoKey(repo: RepoName): string {
  return `${repo.owner}/${repo.repo}`.toLowerCase();
}

/** The limiter's rejection (over the limit), or undefined when the point was granted; other errors are thrown. */
async function rejection(consumed: Promise<RateLimiterRes>): Promise<RateLimiterRes | undefined> {
  try {
    await consumed;
    return undefined;
  } catch (err) {
    if (err instanceof RateLimiterRes) return err;
    throw err;
  }
}
