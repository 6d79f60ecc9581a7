import { describe, expect, it } from "vitest";
import { JobQueue } from "../../../src/jobs/queue/job-queue.js";
import { untilAborted } from "../../helpers/app-scripted-runner.js";

/** A promise the test resolves by hand (work that "takes time" until the test says it is done). */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

const job = (id: string, key: string, kind: "review" | "fix-issue" = "fix-issue", sha = "a".repeat(40)) => ({
  id,
  key,
  kind,
  sha,
});

describe("JobQueue", () => {
  it("runs at most `concurrency` jobs at once and one per key", async () => {
    const queue = new JobQueue(2);
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof gate>>();
    const work = (k: string) => async () => {
      started.push(k);
      await (gates.get(k) as ReturnType<typeof gate>).opened;
    };
    for (const k of ["a", "b", "c", "d"]) {
      gates.set(k, gate());
      expect(queue.submit(job(k, k), work(k)).accepted).toBe(true);
    }
    expect(queue.submit(job("a2", "a"), work("a")).accepted).toBe(false);
    await waitForStarts(() => started.length >= 2);
    expect(started).toEqual(["a", "b"]);
    gates.get("a")?.open();
    await waitForStarts(() => started.length >= 3);
    expect(started).toEqual(["a", "b", "c"]);
    for (const g of gates.values()) g.open();
    await queue.onIdle();
    expect(started).toEqual(["a", "b", "c", "d"]);
  });

  it("serialises waiting jobs of one key", async () => {
    const queue = new JobQueue(4);
    const order: string[] = [];
    const first = gate();
    const work = (name: string, until: Promise<void>) => async () => {
      order.push(`start ${name}`);
      await until;
      order.push(`end ${name}`);
    };
    queue.submit(job("1", "k"), work("1", first.opened));
    queue.submit(job("2", "k"), work("2", Promise.resolve()), { whenBusy: "wait" });
    await waitForStarts(() => order.length >= 1);
    expect(order).toEqual(["start 1"]);
    first.open();
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

/**
 * Let queued promise callbacks run until `done()` holds: p-queue starts work in microtasks and macrotask-free
 * promise chains, so a bounded number of `setImmediate` turns reaches a fixed point without any timer.
 */
async function waitForStarts(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise<void>((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}
