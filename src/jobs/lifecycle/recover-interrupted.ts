import type { JobsContext } from "../jobs-context.js";
import { reportJobEnd } from "./job-report.js";

/**
 * After a restart, jobs the store still shows as queued or running were lost with the old process: mark them
 * `interrupted` in the store and on their status comment and check run, so nobody waits for them. Jobs handed to
 * the Actions runners (dispatch mode) live on without this process and are left to the dispatch watchdog.
 * GitHub failures are logged per job; the others are still reported.
 *
 * @returns the ids of the jobs reported
 */
export async function recoverInterrupted(ctx: JobsContext): Promise<string[]> {
  const lost = (await ctx.store.listJobs(["queued", "running"])).filter((job) => job.dispatch === undefined);
  const reported: string[] = [];
  for (const job of lost) {
    const detail = "Tanuki restarted while this job was queued or running, so it was interrupted. Ask again to retry.";
    await ctx.store.updateJob(job.id, { state: "interrupted", detail });
    try {
      const github = await ctx.github(job.installationId, job.owner, job.repo);
      await reportJobEnd(
        github,
        job,
        { state: "interrupted", detail, conclusion: "cancelled", checkTitle: `Interrupted: ${job.title}` },
        ctx.scheduler.now(),
      );
      reported.push(job.id);
    } catch (err) {
      ctx.log.error({ err, jobId: job.id }, "could not report an interrupted job");
    }
  }
  return reported;
}
