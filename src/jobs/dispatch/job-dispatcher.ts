import type { GitHubPort } from "../../github/github-port.js";
import { reportJobEnd } from "../lifecycle/job-report.js";
import type { RepoTarget } from "../repo-target.js";
import type { Scheduler } from "../scheduler.js";
import type { DispatchRecord, JobRecord, JobStore } from "../store/job-store.js";
import { type DispatchCommand, encodeDispatchInputs } from "./dispatch-inputs.js";
import type { DispatchSettings } from "./dispatch-settings.js";

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
  cancel(github: GitHubPort, key: string, reason: string): Promise<number>;
}

/** The dispatcher of dispatch mode: deadlines on `clock`, cancelled jobs recorded in `store`. */
export function createJobDispatcher(
  settings: DispatchSettings,
  { store, clock }: { store: JobStore; clock: Pick<Scheduler, "now"> },
): JobDispatcher {
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
    async cancel(github, key, reason) {
      const jobs = (await store.listJobs(["queued", "running"])).filter((j) => j.key === key && j.dispatch);
      for (const job of jobs) {
        const runId = job.dispatch?.runId;
        if (runId !== undefined) await github.cancelWorkflowRun(runId);
        const detail = `Cancelled: ${reason}.`;
        await store.updateJob(job.id, { state: "cancelled", detail });
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
