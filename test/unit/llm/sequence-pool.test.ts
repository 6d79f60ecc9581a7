import { describe, expect, it } from "vitest";
import { CancelledError, ModelError } from "../../../src/core/errors.js";
import { SequencePool } from "../../../src/llm/sequence-pool.js";

describe("SequencePool", () => {
  it("hands out free items, then queues callers in FIFO order", async () => {
    const pool = new SequencePool(["s1"]);
    const first = await pool.acquire();
    const order: string[] = [];
    const second = pool.acquire().then((item) => {
      order.push(`second:${item}`);
      return item;
    });
    const third = pool.acquire().then((item) => {
      order.push(`third:${item}`);
      return item;
    });
    expect(pool.available).toBe(0);
    pool.release(first);
    pool.release(await second);
    await third;
    expect(order).toEqual(["second:s1", "third:s1"]);
  });

  it("cancels a waiting caller without losing the item", async () => {
    const pool = new SequencePool(["s1"]);
    const held = await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    pool.release(held);
    expect(pool.available).toBe(1);
    await expect(pool.acquire()).resolves.toBe("s1");
  });

  it("rejects an already-aborted signal at once", async () => {
    const pool = new SequencePool(["s1"]);
    await expect(pool.acquire(AbortSignal.abort())).rejects.toBeInstanceOf(CancelledError);
    expect(pool.available).toBe(1);
  });

  it("fails waiters and later callers after close", async () => {
    const pool = new SequencePool(["s1"]);
    await pool.acquire();
    const waiting = pool.acquire();
    pool.close();
    pool.close();
    await expect(waiting).rejects.toBeInstanceOf(ModelError);
    await expect(pool.acquire()).rejects.toBeInstanceOf(ModelError);
  });
});
