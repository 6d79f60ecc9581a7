/**
 * Time as the jobs layer sees it: the wall clock and one-shot timers. Every timer-driven part of the jobs layer (the
 * dispatch watchdog, status-comment throttling, dispatch deadlines) goes through this port, so tests move time
 * explicitly (`ManualScheduler` in test/helpers) instead of waiting on real timers.
 */
export interface Scheduler {
  /** Wall clock, epoch ms. */
  now(): number;
  /**
   * Call `fn` once, `delayMs` ms from now (0 or less: as soon as possible, never synchronously). A real timer does not
   * keep the process alive.
   * @returns a handle whose `cancel()` stops the call if it has not happened yet
   */
  after(delayMs: number, fn: () => void): ScheduledCall;
}

/** A pending call of {@link Scheduler.after}. */
export interface ScheduledCall {
  /** Stop the call; does nothing once it ran or was cancelled. */
  cancel(): void;
}

/** The real scheduler: `Date.now()` and unref'd `setTimeout`. */
export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  after(delayMs, fn) {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

/**
 * Call `fn` now and then every `intervalMs` ms until the returned handle is cancelled. The next call is scheduled
 * when the previous one was started (`fn` runs its work in the background itself).
 */
export function every(scheduler: Scheduler, intervalMs: number, fn: () => void): ScheduledCall {
  let next: ScheduledCall | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    fn();
    next = scheduler.after(intervalMs, tick);
  };
  tick();
  return {
    cancel() {
      stopped = true;
      next?.cancel();
    },
  };
}
