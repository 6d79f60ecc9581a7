import type { JobState } from "../../core/job-state.js";
import type { CheckRunState, GitHubPort } from "../../github/github-port.js";
import { formatDuration } from "../../github/status-comment.js";
import type { EventPayload } from "../intake/event-inputs.js";
import type { JobsContext } from "../jobs-context.js";
import { reportJobEnd } from "../lifecycle/job-report.js";
import type { JobRecord } from "../store/job-store.js";

/** Why a dispatched job is looked at. */
type Trigger =
  | { kind: "start-deadline" }
  | { kind: "finish-deadline" }
  | { kind: "run-ended"; conclusion: string; runUrl: string };

/**
 * The watchdog of dispatch mode, run every `checkIntervalMs` and once when the app loads: every dispatched job
 * past a deadline is checked against its check run, which the Action keeps up to date.
 *
 * - past `startBy` and the check run is still `queued`: no runner took the job; it is reported as failed and its
 *   workflow run (when known) cancelled;
 * - past `finishBy` and the check run has not completed: the runner died or hung; reported likewise;
 * - the check run completed: the Action reported; the store takes its result.
 *
 * GitHub failures are logged per job; the job is looked at again next time.
 *
 * @returns the ids of the jobs reported as failed here
 */
export async function checkDispatchedJobs(ctx: JobsContext): Promise<string[]> {
  const now = ctx.scheduler.now();
  const reported: string[] = [];
  for (const job of await ctx.store.listJobs(["queued", "running"])) {
    const dispatch = job.dispatch;
    if (!dispatch) continue;
    const trigger: Trigger | undefined =
      now >= dispatch.finishBy
        ? { kind: "finish-deadline" }
        : job.state === "queued" && now >= dispatch.startBy
          ? { kind: "start-deadline" }
          : undefined;
    if (!trigger) continue;
    try {
      const github = await ctx.github(job.installationId, job.owner, job.repo);
      if (await settle(ctx, github, job, trigger)) reported.push(job.id);
    } catch (err) {
      ctx.log.warn({ err, jobId: job.id }, "could not check a dispatched job");
    }
  }
  return reported;
}

/**
 * `workflow_run.completed` of a run started by `workflow_dispatch`: when it is one of Tanuki's dispatched jobs
 * (by run id, or by the job id in the run's name), settle the job: a run that ended without the Action reporting
 * (a runner that died, a failed setup step, a cancelled run) is reported on the status comment and check run.
 *
 * @returns true when the run belonged to a dispatched job
 */
export async function onDispatchedRunCompleted(
  ctx: JobsContext,
  payload: EventPayload<"workflow_run.completed">,
): Promise<boolean> {
  const run = payload.workflow_run;
  const title = run.display_title ?? "";
  const job = (await ctx.store.listJobs(["queued", "running"])).find(
    (j) =>
      j.dispatch !== undefined &&
      j.owner === payload.repository.owner.login &&
      j.repo === payload.repository.name &&
      (j.dispatch.runId === run.id || title.includes(j.id)),
  );
  if (!job?.dispatch) return false;
  if (job.dispatch.runId === undefined) {
    await ctx.store.updateJob(job.id, { dispatch: { ...job.dispatch, runId: run.id, runUrl: run.html_url } });
  }
  const github = await ctx.github(job.installationId, job.owner, job.repo);
  await settle(ctx, github, job, { kind: "run-ended", conclusion: run.conclusion ?? "unknown", runUrl: run.html_url });
  return true;
}

/**
 * Compare a dispatched job with its check run; report it when the runner did not.
 * @returns true when the job was reported as failed here
 */
async function settle(ctx: JobsContext, github: GitHubPort, job: JobRecord, trigger: Trigger): Promise<boolean> {
  const check: CheckRunState | undefined =
    job.checkRunId !== undefined ? await github.getCheckRun(job.checkRunId) : undefined;
  if (check?.status === "completed") {
    const state = stateOfConclusion(check.conclusion);
    await ctx.store.updateJob(job.id, { state, detail: `reported by the runner (${check.conclusion ?? "done"})` });
    return false;
  }
  const started = check !== undefined && check.status !== "queued";
  if (trigger.kind === "start-deadline" && started) {
    await ctx.store.updateJob(job.id, { state: "running" });
    return false;
  }
  const dispatch = job.dispatch;
  const runLink = trigger.kind === "run-ended" ? trigger.runUrl : dispatch?.runUrl;
  const see = runLink ? ` See [the workflow run](${runLink}).` : "";
  const waited = dispatch ? dispatch.startBy - job.createdAt : 0;
  const detail =
    trigger.kind === "run-ended"
      ? `The runner's workflow run ended (${trigger.conclusion}) before Tanuki reported a result: the runner may have died or a setup step failed.${see} Ask again to retry.`
      : trigger.kind === "start-deadline" || !started
        ? `No self-hosted runner took this job within ${formatDuration(waited)}: check that a runner with the workflow's labels is online.${see} Ask again to retry.`
        : `The job did not finish in time on its runner: the runner may have died or hung.${see} Ask again to retry.`;
  if (trigger.kind !== "run-ended" && dispatch?.runId !== undefined) {
    await github.cancelWorkflowRun(dispatch.runId).catch((err) => ctx.log.warn({ err }, "could not cancel the run"));
  }
  await ctx.store.updateJob(job.id, { state: "failed", detail });
  await reportJobEnd(
    github,
    job,
    { state: "failed", detail, conclusion: "failure", checkTitle: `Job failed: ${job.title}` },
    ctx.scheduler.now(),
  );
  return true;
}

/** The job state a completed check run stands for. */
function stateOfConclusion(conclusion: string | undefined): JobState {
  if (conclusion === "success" || conclusion === "neutral") return "succeeded";
  if (conclusion === "cancelled" || conclusion === "skipped") return "cancelled";
  return "failed";
}
