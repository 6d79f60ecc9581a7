import type { JobState } from "../../core/job-state.js";
import type { CheckRunUpdate, GitHubPort } from "../../github/github-port.js";
import { type JobView, renderStatusComment, repositoryUrlOf } from "../../github/status-comment.js";
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

/** Where a job reports on GitHub: its status comment and check run (either may be absent). */
export interface JobReportTarget {
  statusCommentId?: number;
  checkRunId?: number;
}

/**
 * The one writer of a job's status comment and check run: the comment gets `view` rendered, the check run `check`
 * with the same rendering (without the check run's own link, with the same links kept) as its summary unless
 * `check` brings one. Progress updates, the end of a running job (`ProgressReporter.finish`) and the end of
 * a job this process does not run ({@link reportJobEnd}) all go through here, so a job ends on GitHub one way.
 *
 * @param now epoch ms, for the rendered elapsed time
 * @throws GitHubError when a write fails
 */
export async function writeJobReport(
  github: GitHubPort,
  target: JobReportTarget,
  view: JobView,
  check: Omit<CheckRunUpdate, "summary"> & { summary?: string },
  now: number,
): Promise<void> {
  const repositoryUrl = view.repositoryUrl ?? repositoryUrlOf(view.checkRunUrl);
  const summary = check.summary ?? renderStatusComment({ ...view, repositoryUrl, checkRunUrl: undefined }, now);
  await Promise.all([
    target.statusCommentId !== undefined
      ? github.updateComment(target.statusCommentId, renderStatusComment(view, now))
      : undefined,
    target.checkRunId !== undefined ? github.updateCheckRun(target.checkRunId, { ...check, summary }) : undefined,
  ]);
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
  const view: JobView = {
    jobId: job.id,
    title: job.title,
    state: end.state,
    checkRunUrl: job.checkRunUrl,
    details: [end.detail],
  };
  await writeJobReport(github, job, view, { conclusion: end.conclusion, title: end.checkTitle }, now);
}
