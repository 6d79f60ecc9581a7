import type { ScheduledCall, Scheduler } from "../../src/jobs/scheduler.js";

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * A {@link Scheduler} whose time moves only when the test says so: `advance(ms)` runs every call that falls due, in
 * time order (calls scheduled by those calls included), and nothing else ever fires. Pair it with the code's own
 * "wait until idle" (e.g. `app.idle()`) to await the work the calls started.
 */
export class ManualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private pending: Pending[] = [];

  /** @param start epoch ms the clock starts at */
  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  after(delayMs: number, fn: () => void): ScheduledCall {
    const entry: Pending = { at: this.time + Math.max(0, delayMs), seq: this.seq++, fn };
    this.pending.push(entry);
    return {
      cancel: () => {
        this.pending = this.pending.filter((p) => p !== entry);
      },
    };
  }

  /** Move the clock forward by `ms`, running each call that falls due at its own time. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.pending.filter((p) => p.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.pending = this.pending.filter((p) => p !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = end;
  }

  /** Calls waiting to fire. */
  get waiting(): number {
    return this.pending.length;
  }
}
