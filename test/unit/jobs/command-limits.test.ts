import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CommandLimits, DEFAULT_COMMAND_LIMITS, type LimitVerdict } from "../../../src/jobs/intake/command-limits.js";
import { overLimitText } from "../../../src/jobs/intake/limit-reply.js";
import { JobQueue } from "../../../src/jobs/queue/job-queue.js";

const REPO = { owner: "acme", repo: "widgets" };
const OTHER = { owner: "acme", repo: "gadgets" };
const settings = { perUser: 2, perRepo: 3, windowMs: 60_000, maxWaiting: 3, maxWaitingPerRepo: 2 };
const noJobs = { waiting: () => 0 };

/** Verdicts as short strings: `ok`, or `<limit>` plus `+reply` for the one that gets an answer. */
const show = (v: LimitVerdict) => (v.ok ? "ok" : `${v.limit}${v.reply ? "+reply" : ""}`);

describe("CommandLimits (rate-limiter-flexible in memory; Date faked, nothing waits)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: new Date("2026-01-01T12:00:00Z") });
  });
  afterEach(() => vi.useRealTimers());

  it("accepts a user's commands up to the limit, answers the first refusal only, and resets after the window", async () => {
    const limits = new CommandLimits(settings);
    const verdicts: string[] = [];
    for (let i = 0; i < 5; i++) verdicts.push(show(await limits.admitUser(REPO, "alice")));
    expect(verdicts).toEqual(["ok", "ok", "user+reply", "user", "user"]);
    const refused = await limits.admitUser(REPO, "Alice");
    expect(refused).toEqual({ ok: false, limit: "user", retryAfterMs: 60_000, reply: false });

    vi.setSystemTime(Date.now() + 30_000);
    expect(await limits.admitUser(REPO, "alice")).toMatchObject({ ok: false, retryAfterMs: 30_000, reply: false });
    vi.setSystemTime(Date.now() + 30_000);
    expect(show(await limits.admitUser(REPO, "alice"))).toBe("ok");
    expect(show(await limits.admitUser(REPO, "alice"))).toBe("ok");
    // A new window: its first refusal is answered again.
    expect(show(await limits.admitUser(REPO, "alice"))).toBe("user+reply");
  });

  it("counts each user and each repository on their own", async () => {
    const limits = new CommandLimits(settings);
    await limits.admitUser(REPO, "alice");
    await limits.admitUser(REPO, "alice");
    expect(show(await limits.admitUser(REPO, "bob"))).toBe("ok");
    expect(show(await limits.admitUser(OTHER, "alice"))).toBe("ok");
  });

  it("caps a repository's commands whoever sends them, and answers each user once", async () => {
    const limits = new CommandLimits(settings);
    const verdicts: string[] = [];
    for (const user of ["alice", "bob", "carol", "dave", "dave", "erin"]) {
      verdicts.push(show(await limits.admitRepo(REPO, user, noJobs, true)));
    }
    expect(verdicts).toEqual(["ok", "ok", "ok", "repository+reply", "repository", "repository+reply"]);
    expect(show(await limits.admitRepo(OTHER, "dave", noJobs, true))).toBe("ok");
  });

  it("refuses job commands while the queue holds too many waiting jobs, without counting them", async () => {
    const queue = new JobQueue(1);
    const never = new Promise<void>(() => undefined);
    for (const n of [1, 2, 3]) {
      queue.submit({ id: `${n}`, key: `acme/widgets#${n}`, kind: "fix-issue", sha: "a".repeat(40) }, () => never);
    }
    await new Promise((resolve) => setImmediate(resolve)); // job 1 has taken the slot
    expect(queue.waiting()).toBe(2);
    expect(queue.waiting("acme/widgets#")).toBe(2);
    expect(queue.waiting("acme/gadgets#")).toBe(0);

    const limits = new CommandLimits(settings);
    expect(show(await limits.admitRepo(REPO, "alice", queue, true))).toBe("queue+reply");
    expect(show(await limits.admitRepo(REPO, "alice", queue, true))).toBe("queue");
    // Help and the like start no job: only the repository's count applies.
    expect(show(await limits.admitRepo(REPO, "alice", queue, false))).toBe("ok");
    expect(show(await limits.admitRepo(OTHER, "bob", queue, true))).toBe("ok");
    queue.submit({ id: "4", key: "acme/gadgets#1", kind: "fix-issue", sha: "a".repeat(40) }, () => never);
    expect(show(await limits.admitRepo(OTHER, "bob", queue, true))).toBe("queue+reply");
    queue.cancelAll("test over");
  });

  it("says in the one reply which limit was hit and when to try again", () => {
    const text = overLimitText(
      "alice",
      { ok: false, limit: "user", retryAfterMs: 7 * 60_000, reply: true },
      DEFAULT_COMMAND_LIMITS,
      Date.parse("2026-01-01T12:00:00Z"),
    );
    expect(text).toBe(
      "@alice, this command was not accepted: you have sent 5 commands to this repository within 10 minutes, the " +
        "most Tanuki accepts from one person. Try again after 2026-01-01 12:07 UTC (in about 7 minutes). Commands " +
        "sent before then get no answer.",
    );
  });
});
