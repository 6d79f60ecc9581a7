import PQueue from "p-queue";
import { CancelledError } from "../../core/errors.js";
import type { JobKind } from "../store/job-store.js";

/** A job known to the queue (waiting or running). */
export interface QueuedJob {
  id: string;
  key: string;
  kind: JobKind;
  /** Commit the job works on; used to decide whether a newer push supersedes it. */
  sha: string;
  controller: AbortController;
  /** Settles when the job's work has finished (never rejects). */
  done: Promise<void>;
}

/** What to do when the key already has jobs (after superseded ones are aborted). Default `refuse`. */
export interface SubmitOptions {
  /** `refuse`: do not queue (commands: the user is told); `wait`: run after them (automatic work). */
  whenBusy?: "refuse" | "wait";
  /** Existing jobs for which this returns true are aborted (a newer push cancels an older review). */
  supersedes?: (existing: QueuedJob) => boolean;
}

/** Outcome of {@link JobQueue.submit}. */
export type SubmitResult = { accepted: true; job: QueuedJob } | { accepted: false; existing: QueuedJob };

/**
 * Runs jobs with bounded concurrency (GPU slots) and one job per key (issue or pull request) at a time: jobs of
 * one key run one after the other, in submission order.
 */
export class JobQueue {
  private readonly queue: PQueue;
  private readonly byKey = new Map<string, QueuedJob[]>();
  private readonly running = new Set<QueuedJob>();

  /** @param concurrency jobs running at once (>= 1) */
  constructor(concurrency: number) {
    this.queue = new PQueue({ concurrency });
  }

  /** The jobs waiting or running for `key`, oldest first, that have not been aborted. */
  active(key: string): QueuedJob[] {
    return (this.byKey.get(key) ?? []).filter((j) => !j.controller.signal.aborted);
  }

  /**
   * Queue `work`. It receives an AbortSignal aborted by {@link cancel}, by a superseding job or by
   * {@link cancelAll}; its rejection is swallowed (work reports its own failures).
   */
  submit(
    job: { id: string; key: string; kind: JobKind; sha: string },
    work: (signal: AbortSignal) => Promise<void>,
    options: SubmitOptions = {},
  ): SubmitResult {
    const chain = this.byKey.get(job.key) ?? [];
    for (const existing of this.active(job.key)) {
      if (options.supersedes?.(existing)) {
        existing.controller.abort(new CancelledError(`superseded by newer commit ${job.sha.slice(0, 7)}`));
      }
    }
    const busy = this.active(job.key)[0];
    if (busy && (options.whenBusy ?? "refuse") === "refuse") return { accepted: false, existing: busy };
    const controller = new AbortController();
    const previous = chain.at(-1)?.done ?? Promise.resolve();
    const entry: QueuedJob = { ...job, controller, done: Promise.resolve() };
    entry.done = previous
      .then(() =>
        this.queue.add(() => {
          this.running.add(entry);
          return work(controller.signal);
        }),
      )
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.running.delete(entry);
        const list = (this.byKey.get(job.key) ?? []).filter((j) => j !== entry);
        if (list.length > 0) this.byKey.set(job.key, list);
        else this.byKey.delete(job.key);
      });
    this.byKey.set(job.key, [...chain, entry]);
    return { accepted: true, job: entry };
  }

  /**
   * Abort the jobs for `key` with a CancelledError carrying `reason`.
   * @returns the jobs aborted (empty when none was waiting or running)
   */
  cancel(key: string, reason: string): QueuedJob[] {
    const jobs = this.active(key);
    for (const job of jobs) job.controller.abort(new CancelledError(reason));
    return jobs;
  }

  /** Abort every job (shutdown). */
  cancelAll(reason: string): void {
    for (const key of this.byKey.keys()) this.cancel(key, reason);
  }

  /** Number of jobs waiting or running (all keys). */
  size(): number {
    let n = 0;
    for (const jobs of this.byKey.values()) n += jobs.length;
    return n;
  }

  /**
   * Number of jobs waiting for a slot (queued, not yet running, not aborted) whose key starts with `prefix`, e.g.
   * `owner/repo#` for one repository; all keys when `prefix` is absent.
   */
  waiting(prefix = ""): number {
    let n = 0;
    for (const [key, jobs] of this.byKey) {
      if (!key.startsWith(prefix)) continue;
      n += jobs.filter((j) => !j.controller.signal.aborted && !this.running.has(j)).length;
    }
    return n;
  }

  /** Resolves when no job is waiting or running. */
  async onIdle(): Promise<void> {
    while (this.byKey.size > 0) await Promise.all([...this.byKey.values()].flat().map((j) => j.done));
    await this.queue.onIdle();
  }
}
