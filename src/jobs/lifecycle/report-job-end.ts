import type { JobState } from "../../core/job-state.js";
import type { CheckRunUpdate, GitHubPort } from "../../github/github-port.js";
import { renderStatusComment } from "../../github/status-comment.js";
import type { JobRecord } from "../store/job-store.js";

/** How a job that this process is not running ended, as its status comment and check run should say. */
export interface JobEnd {
  state: JobState;
  /** One Markdown paragraph: what happened and what to do. */
  detail: string;
  conclusion: NonNullable<CheckRunUpdate["conclusion"]>;
  /** Check run title, e.g. `Interrupted: Fix for #7`. */
  checkTitle: string;
}

/**
 * Write the end of a job to its status comment and check run (those it has), from its durable record: used for jobs
 * lost in a restart and for dispatched jobs whose runner never started or died.
 *
 * @param now epoch ms, for the rendered comment
 * @throws GitHubError when a write fails
 */
export async function reportJobEnd(
  github: GitHubPort,
  job: Pick<JobRecord, "id" | "title" | "checkRunUrl" | "statusCommentId" | "checkRunId">,
  end: JobEnd,
  now: number,
): Promise<void> {
  const view = {
    jobId: job.id,
    title: job.title,
    state: end.state,
    checkRunUrl: job.checkRunUrl,
    details: [end.detail],
  };
  if (job.statusCommentId !== undefined) {
    await github.updateComment(job.statusCommentId, renderStatusComment(view, now));
  }
  if (job.checkRunId !== undefined) {
    await github.updateCheckRun(job.checkRunId, {
      conclusion: end.conclusion,
      title: end.checkTitle,
      summary: renderStatusComment({ ...view, checkRunUrl: undefined }, now),
    });
  }
}
