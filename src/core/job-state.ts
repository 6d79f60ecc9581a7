/** Lifecycle of a job (App, Action), as its durable record and its status comment show it. */
export const JOB_STATES = ["queued", "running", "succeeded", "failed", "cancelled", "interrupted", "rejected"] as const;
export type JobState = (typeof JOB_STATES)[number];
