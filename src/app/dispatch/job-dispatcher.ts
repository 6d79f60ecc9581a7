import type { GitHubPort } from "../../github/github-port.js";
import type { Scheduler } from "../../jobs/scheduler.js";
import type { AppContext, RepoTarget } from "../app-context.js";
import type { DispatchRecord, JobRecord } from "../job-store.js";
import { reportJobEnd } from "../report-job-end.js";
import { type DispatchCommand, encodeDispatchInputs } from "./dispatch-inputs.js";

/** Operator settings of dispatch mode (from the environment, see `config/app-env.ts`). */
export interface DispatchSettings {
  /** Workflow that runs the Tanuki Action: file name under `.github/workflows/` (e.g. `tanuki.yml`) or id. */
  workflow: string;
  /** Branch the workflow is started on. Default: the repository's default branch. */
  ref?: string;
  /** A runner must take the job (the check run leaves `queued`) within this many ms of the dispatch. */
  startTimeoutMs: number;
  /** The job must report a result (the check run completes) within this many ms of the dispatch. */
  finishTimeoutMs: number;
  /** How often the watchdog looks at dispatched jobs whose deadline passed, ms. Default 60,000. */
  checkIntervalMs?: number;
}

/** Starts jobs on the Actions runners and cancels them; held by the App's context in dispatch mode. */
export interface JobDispatcher {
  readonly settings: DispatchSettings;
  /**
   * Start `record`'s job through `workflow_dispatch` with its inputs (job id, command, number, pinned SHA, status
   * comment id, check run id, instructions, requester, failing check).
   * @returns what the store keeps about the dispatch (run id and deadlines)
   * @throws GitHubError when GitHub refuses the dispatch (404: no such workflow on the ref; 403: no `actions: write`;
   *   422: the workflow does not declare the inputs)
   */
  dispatch(
    github: GitHubPort,
    record: JobRecord,
    command: DispatchCommand,
    target: RepoTarget,
  ): Promise<DispatchRecord>;
  /**
   * Cancel the dispatched jobs of an issue or pull request that have not finished: cancel their workflow runs (when
   * their ids are known) and report them cancelled.
   * @returns how many jobs were cancelled
   */
  cancel(ctx: AppContext, github: GitHubPort, key: string, reason: string): Promise<number>;
}

/** The dispatcher of dispatch mode. */
export function createJobDispatcher(settings: DispatchSettings, clock: Pick<Scheduler, "now">): JobDispatcher {
  return {
    settings,
    async dispatch(github, record, command, target) {
      const ref = settings.ref ?? target.defaultBranch;
      const inputs = encodeDispatchInputs({
        jobId: record.id,
        number: record.number,
        sha: record.sha,
        statusCommentId: record.statusCommentId,
        checkRunId: record.checkRunId,
        requester: record.requester,
        command,
      });
      const run = await github.dispatchWorkflow(settings.workflow, ref, inputs);
      const now = clock.now();
      return {
        workflow: settings.workflow,
        ref,
        ...(run.runId !== undefined ? { runId: run.runId } : {}),
        ...(run.url ? { runUrl: run.url } : {}),
        startBy: now + settings.startTimeoutMs,
        finishBy: now + settings.finishTimeoutMs,
      };
    },
    async cancel(ctx, github, key, reason) {
      const jobs = (await ctx.store.listJobs(["queued", "running"])).filter((j) => j.key === key && j.dispatch);
      for (const job of jobs) {
        const runId = job.dispatch?.runId;
        if (runId !== undefined) await github.cancelWorkflowRun(runId);
        const detail = `Cancelled: ${reason}.`;
        await ctx.store.updateJob(job.id, { state: "cancelled", detail });
        await reportJobEnd(
          github,
          job,
          { state: "cancelled", detail, conclusion: "cancelled", checkTitle: `Job cancelled: ${job.title}` },
          clock.now(),
        );
      }
      return jobs.length;
    },
  };
}
