import { CancelledError, ModelError } from "../core/errors.js";

/**
 * A fixed set of resources (context sequences) handed out one caller at a time: `acquire` resolves with a free
 * item or waits (FIFO) until one is released. Waiting is cancellable and ends with an error on `close`.
 */
export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiters: { resolve: (item: T) => void; reject: (error: unknown) => void }[] = [];
  private closed = false;

  constructor(items: readonly T[]) {
    this.free = [...items];
  }

  /** Items currently not handed out. */
  get available(): number {
    return this.free.length;
  }

  /**
   * @throws CancelledError when `signal` aborts while waiting
   * @throws ModelError when the pool is (or gets) closed
   */
  acquire(signal?: AbortSignal): Promise<T> {
    if (this.closed) return Promise.reject(new ModelError("The model has been disposed"));
    if (signal?.aborted) return Promise.reject(new CancelledError("model call cancelled", { cause: signal.reason }));
    const item = this.free.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        resolve: (value: T) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(value);
        },
        reject: (error: unknown) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        waiter.reject(new CancelledError("model call cancelled", { cause: signal?.reason }));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Returns an item; the longest waiter gets it first. */
  release(item: T): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter.resolve(item);
    else this.free.push(item);
  }

  /** Rejects every waiter with a ModelError; later `acquire` calls fail the same way. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new ModelError("The model has been disposed"));
    this.free.length = 0;
  }
}
