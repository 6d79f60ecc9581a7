import { describe, expect, it } from "vitest";
import { JobQueue } from "../../../src/app/job-queue.js";
import { untilAborted } from "../../helpers/app-scripted-runner.js";

const job = (id: string, key: string, kind: "review" | "fix-issue" = "fix-issue", sha = "a".repeat(40)) => ({
  id,
  key,
  kind,
  sha,
});

describe("JobQueue", () => {
  it("runs at most `concurrency` jobs at once and one per key", async () => {
    const queue = new JobQueue(2);
    let running = 0;
    let peak = 0;
    const work = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running -= 1;
    };
    for (const k of ["a", "b", "c", "d"]) expect(queue.submit(job(k, k), work).accepted).toBe(true);
    expect(queue.submit(job("a2", "a"), work).accepted).toBe(false);
    await queue.onIdle();
    expect(peak).toBe(2);
  });

  it("serialises waiting jobs of one key", async () => {
    const queue = new JobQueue(4);
    const order: string[] = [];
    const work = (name: string) => async () => {
      order.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, 10));
      order.push(`end ${name}`);
    };
    queue.submit(job("1", "k"), work("1"));
    queue.submit(job("2", "k"), work("2"), { whenBusy: "wait" });
    await queue.onIdle();
    expect(order).toEqual(["start 1", "end 1", "start 2", "end 2"]);
  });

  it("aborts a superseded job with a reason naming the newer commit, then runs the newer one", async () => {
    const queue = new JobQueue(1);
    let reason = "";
    queue.submit(job("old", "pr", "review", "1".repeat(40)), async (signal) => {
      await untilAborted(signal);
      reason = (signal.reason as Error).message;
    });
    let ran = false;
    const result = queue.submit(
      job("new", "pr", "review", "2".repeat(40)),
      async () => {
        ran = true;
      },
      { supersedes: (j) => j.kind === "review" },
    );
    expect(result.accepted).toBe(true);
    await queue.onIdle();
    expect(reason).toBe("superseded by newer commit 2222222");
    expect(ran).toBe(true);
  });

  it("cancel aborts the key's jobs and says whether there was one", async () => {
    const queue = new JobQueue(1);
    queue.submit(job("x", "k"), (signal) => untilAborted(signal));
    expect(queue.cancel("nothing", "r")).toEqual([]);
    expect(queue.cancel("k", "cancelled by @bob").map((j) => j.id)).toEqual(["x"]);
    await queue.onIdle();
    expect(queue.active("k")).toEqual([]);
  });
});
