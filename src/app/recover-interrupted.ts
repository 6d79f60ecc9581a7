import { renderStatusComment } from "../github/status-comment.js";
import type { AppContext } from "./app-context.js";

/**
 * After a restart, jobs the store still shows as queued or running were lost with the old process: mark them
 * `interrupted` in the store and on their status comment and check run, so nobody waits for them.
 * GitHub failures are logged per job; the others are still reported.
 *
 * @returns the ids of the jobs reported
 */
export async function recoverInterrupted(ctx: AppContext): Promise<string[]> {
  const lost = await ctx.store.listJobs(["queued", "running"]);
  const reported: string[] = [];
  for (const job of lost) {
    const detail = "Tanuki restarted while this job was queued or running, so it was interrupted. Ask again to retry.";
    await ctx.store.updateJob(job.id, { state: "interrupted", detail });
    try {
      const github = await ctx.github(job.installationId, job.owner, job.repo);
      const view = {
        jobId: job.id,
        title: job.title,
        state: "interrupted" as const,
        checkRunUrl: job.checkRunUrl,
        details: [detail],
      };
      if (job.statusCommentId !== undefined) {
        await github.updateComment(job.statusCommentId, renderStatusComment(view, ctx.clock.now()));
      }
      if (job.checkRunId !== undefined) {
        await github.updateCheckRun(job.checkRunId, {
          conclusion: "cancelled",
          title: `Interrupted: ${job.title}`,
          summary: renderStatusComment({ ...view, checkRunUrl: undefined }, ctx.clock.now()),
        });
      }
      reported.push(job.id);
    } catch (err) {
      ctx.log.error({ err, jobId: job.id }, "could not report an interrupted job");
    }
  }
  return reported;
}
