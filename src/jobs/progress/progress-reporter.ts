import type { RunEvent } from "../../core/events.js";
import type { CheckRunUpdate, GitHubPort } from "../../github/github-port.js";
import type { JobView } from "../../github/status-comment.js";
import { writeJobReport } from "../lifecycle/job-report.js";
import type { ScheduledCall, Scheduler } from "../scheduler.js";

/** Options of {@link ProgressReporter}. */
export interface ProgressReporterOptions {
  github: GitHubPort;
  view: JobView;
  /** Status comment to edit in place; none for automatic reviews (check run only). */
  commentId?: number;
  checkRunId?: number;
  /** Least time between two throttled writes, ms. The final write is never throttled. */
  minIntervalMs: number;
  /** Clock and timer of the throttle (and the elapsed time shown). */
  scheduler: Scheduler;
  /** Called with GitHub errors of throttled writes (which never throw). */
  onError: (err: unknown) => void;
}

/**
 * Keeps the status comment and the check run in step with a job. Event-driven changes are throttled to one write
 * per `minIntervalMs` (a trailing write carries the latest state); {@link finish} writes at once. Writes are
 * serialised, so an older state never lands after a newer one.
 */
export class ProgressReporter {
  private view: JobView;
  private lastWriteAt: number;
  private timer: ScheduledCall | undefined;
  private chain: Promise<void> = Promise.resolve();
  private finished = false;

  constructor(private readonly options: ProgressReporterOptions) {
    this.view = { ...options.view };
    this.lastWriteAt = options.scheduler.now();
  }

  /** The current view (copy). */
  current(): JobView {
    return { ...this.view, details: [...this.view.details] };
  }

  /** Apply a run event (phase, attempt, install log tail, tests) and schedule a throttled write. Never throws. */
  onEvent = (event: RunEvent): void => {
    const v = this.view;
    switch (event.type) {
      case "phase":
        this.view = { ...v, phase: event.phase, attempt: event.attempt ?? v.attempt };
        break;
      case "attempt":
        this.view = { ...v, attempt: event.attempt, maxAttempts: event.maxAttempts };
        break;
      case "setup-output":
        this.view = { ...v, setup: { command: event.command, tail: [...event.tail] } };
        break;
      case "tests":
        this.view = {
          ...v,
          tests: { which: event.which, passed: event.passed, failed: event.failed, exitCode: event.exitCode },
        };
        break;
      default:
        return;
    }
    this.schedule();
  };

  /** Change the view and schedule a throttled write. */
  update(patch: Partial<JobView>): void {
    this.view = { ...this.view, ...patch };
    this.schedule();
  }

  /**
   * Write the final state now (comment and check run), cancelling any pending throttled write.
   * @throws GitHubError when a write finally fails
   */
  async finish(patch: Partial<JobView>, check: Omit<CheckRunUpdate, "summary"> & { summary?: string }): Promise<void> {
    this.finished = true;
    this.timer?.cancel();
    this.timer = undefined;
    this.view = { ...this.view, ...patch };
    const write = this.chain.then(() => this.write(check));
    this.chain = write.catch(() => undefined);
    await write;
  }

  /**
   * Write the current state now (an `in_progress` check run), cancelling any pending throttled write.
   * @throws GitHubError when the write fails
   */
  async writeNow(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    const write = this.chain.then(() => this.write({ status: "in_progress", title: this.view.title }));
    this.chain = write.catch(() => undefined);
    await write;
  }

  /** Resolves when the writes started so far have settled (never rejects). */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Stop pending writes. */
  dispose(): void {
    this.finished = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    if (this.finished || this.timer) return;
    const { scheduler } = this.options;
    const delay = Math.max(0, this.lastWriteAt + this.options.minIntervalMs - scheduler.now());
    this.timer = scheduler.after(delay, () => {
      this.timer = undefined;
      if (this.finished) return;
      this.chain = this.chain
        .then(() => this.write({ status: "in_progress", title: this.view.title }))
        .catch(this.options.onError);
    });
  }

  private async write(check: Omit<CheckRunUpdate, "summary"> & { summary?: string }): Promise<void> {
    const now = this.options.scheduler.now();
    this.lastWriteAt = now;
    const { github, commentId, checkRunId } = this.options;
    await writeJobReport(github, { statusCommentId: commentId, checkRunId }, this.view, check, now);
  }
}
