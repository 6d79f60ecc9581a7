import { z } from "zod";
import { JOB_STATES } from "../../core/job-state.js";

/** Kinds of job the app runs. */
export const JobKind = z.enum(["fix-issue", "fix-pr", "review", "failing-check"]);
export type JobKind = z.infer<typeof JobKind>;

/** States of a job (see `core/job-state.ts`). */
export const JobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobState>;

/** Where a dispatched job went and by when it must show signs of life (epoch ms). */
export const DispatchRecord = z.object({
  /** Workflow file name or id. */
  workflow: z.string(),
  /** Branch the workflow was started on. */
  ref: z.string(),
  /** Workflow run id, when GitHub returned it. */
  runId: z.number().int().optional(),
  runUrl: z.string().optional(),
  /** The runner must have taken the job (its check run left `queued`) by then. */
  startBy: z.number(),
  /** The job must have reported a result (its check run completed) by then. */
  finishBy: z.number(),
});
export type DispatchRecord = z.infer<typeof DispatchRecord>;

/** The durable record of one job: enough to report it as interrupted after a restart. */
export const JobRecord = z.object({
  /** Unique id, e.g. `acme-widgets-12-fix-issue-3f2a`. */
  id: z.string().min(1),
  kind: JobKind,
  /** One job per issue or pull request at a time: `owner/repo#number`. */
  key: z.string(),
  state: JobState,
  installationId: z.number().int(),
  owner: z.string(),
  repo: z.string(),
  /** Issue or pull request number. */
  number: z.number().int(),
  /** Login of the user who asked (or the pull request's author for automatic jobs). */
  requester: z.string().optional(),
  /** Commit the job works on (pinned). */
  sha: z.string(),
  /** Shown in the status comment and check run, e.g. `Fix for #12`. */
  title: z.string(),
  statusCommentId: z.number().int().optional(),
  checkRunId: z.number().int().optional(),
  checkRunUrl: z.string().optional(),
  /** Epoch ms. */
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Last human-readable detail (reason of the outcome). */
  detail: z.string().optional(),
  /** Set when the job was handed to the Actions runners (dispatch mode) instead of running in this process. */
  dispatch: DispatchRecord.optional(),
});
export type JobRecord = z.infer<typeof JobRecord>;

/** A reviewer finding as the store keeps it (see `core/finding.ts`). */
const StoredFinding = z.object({
  file: z.string(),
  line: z.number().int(),
  severity: z.enum(["blocking", "major", "minor", "nit"]),
  explanation: z.string(),
  suggestion: z.string().optional(),
  attempt: z.number().int().optional(),
  resolved: z.boolean().optional(),
});

/** What Tanuki remembers between reviews of one pull request. */
export const ReviewState = z.object({
  /** Head SHA of the last review posted. */
  lastReviewedSha: z.string(),
  /** Fingerprints of every finding posted on the pull request. */
  fingerprints: z.array(z.string()),
  /** Findings of the reviews that are still open (for `/tanuki fix` on the pull request). */
  openFindings: z.array(StoredFinding),
});
export type ReviewState = z.infer<typeof ReviewState>;

/**
 * Durable job state (the file implementation is `FileJobStore`). All methods are safe to call concurrently.
 * @throws Error when the underlying storage cannot be written (the caller logs it; the job goes on)
 */
export interface JobStore {
  /**
   * Record `id` in `namespace` (`delivery`, `event`, `rca`, ...) the first time only.
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
