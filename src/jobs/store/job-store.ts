import type { Finding } from "../../core/finding.js";
import type { JobState } from "../../github/status-comment.js";

/** Kinds of job the app runs. */
export type JobKind = "fix-issue" | "fix-pr" | "review" | "failing-check";

/** The durable record of one job: enough to report it as interrupted after a restart. */
export interface JobRecord {
  /** Unique id, e.g. `acme/widgets#12-fix-issue-3f2a`. */
  id: string;
  kind: JobKind;
  /** One job per issue or pull request at a time: `owner/repo#number`. */
  key: string;
  state: JobState;
  installationId: number;
  owner: string;
  repo: string;
  /** Issue or pull request number. */
  number: number;
  /** Login of the user who asked (or the pull request's author for automatic jobs). */
  requester?: string;
  /** Commit the job works on (pinned). */
  sha: string;
  /** Shown in the status comment and check run, e.g. `Fix for #12`. */
  title: string;
  statusCommentId?: number;
  checkRunId?: number;
  checkRunUrl?: string;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  /** Last human-readable detail (reason of the outcome). */
  detail?: string;
  /** Set when the job was handed to the Actions runners (dispatch mode) instead of running in this process. */
  dispatch?: DispatchRecord;
}

/** Where a dispatched job went and by when it must show signs of life (epoch ms). */
export interface DispatchRecord {
  /** Workflow file name or id. */
  workflow: string;
  /** Branch the workflow was started on. */
  ref: string;
  /** Workflow run id, when GitHub returned it. */
  runId?: number;
  runUrl?: string;
  /** The runner must have taken the job (its check run left `queued`) by then. */
  startBy: number;
  /** The job must have reported a result (its check run completed) by then. */
  finishBy: number;
}

/** What Tanuki remembers between reviews of one pull request. */
export interface ReviewState {
  /** Head SHA of the last review posted. */
  lastReviewedSha: string;
  /** Fingerprints of every finding posted on the pull request. */
  fingerprints: string[];
  /** Findings of the reviews that are still open (for `/tanuki fix` on the pull request). */
  openFindings: Finding[];
}

/**
 * Durable job state (the file implementation is `FileJobStore`). All methods are safe to call concurrently.
 * @throws Error when the underlying storage cannot be written (the caller logs it; the job goes on)
 */
export interface JobStore {
  /**
   * Record `id` in `namespace` (`delivery`, `rca`, ...) the first time only.
   * @returns true the first time, false for a repeat (a redelivered webhook, an already analysed failure)
   */
  claimOnce(namespace: string, id: string): Promise<boolean>;
  putJob(record: JobRecord): Promise<void>;
  /** Merge `patch` into the job and bump `updatedAt`; unknown ids are ignored. */
  updateJob(id: string, patch: Partial<Omit<JobRecord, "id">>): Promise<void>;
  getJob(id: string): Promise<JobRecord | undefined>;
  /** Jobs whose state is one of `states` (all jobs when omitted). */
  listJobs(states?: JobState[]): Promise<JobRecord[]>;
  getReviewState(key: string): Promise<ReviewState | undefined>;
  putReviewState(key: string, state: ReviewState): Promise<void>;
  /** Add `by` to a named counter and return the new value (fix attempts per branch). */
  increment(counter: string, by?: number): Promise<number>;
}
