import { createEventHandler, type EmitterWebhookEvent, emitterEventNames } from "@octokit/webhooks";
import { type RunnerInfo, runDispatchedJob } from "../jobs/dispatch/run-dispatched-job.js";
import { handleCommentCommand } from "../jobs/intake/comment-command.js";
import {
  checkRunInputsOf,
  commentCommandInputOf,
  issueLabelInputOf,
  PULL_REQUEST_REVIEW_EVENTS,
  pullRequestInputOf,
  workflowRunInputsOf,
} from "../jobs/intake/event-inputs.js";
import { handleFailingCheck } from "../jobs/intake/failing-check.js";
import { type IntakeResult, ignored } from "../jobs/intake/intake-result.js";
import { handleIssueLabel } from "../jobs/intake/issue-label.js";
import { handlePullRequest } from "../jobs/intake/pull-request.js";
import type { JobsContext } from "../jobs/jobs-context.js";

/** The event of one Action run: `GITHUB_EVENT_NAME` and the parsed `GITHUB_EVENT_PATH`. */
export interface ActionEvent {
  name: string;
  payload: unknown;
  /** Identifies the run in logs (the workflow run id); the Action's events carry no delivery id. */
  id: string;
}

/**
 * Do what the GitHub App does for one event, through the same jobs layer (same permission gate, status comment,
 * check run, pull request, review and root-cause comment). Events are dispatched by `@octokit/webhooks`'
 * `on(...)`, typed per event and action as in the App:
 *
 * | event | action | does |
 * |---|---|---|
 * | `issue_comment` | created | a `/tanuki` command |
 * | `issues` | labeled | the configured label starts a fix |
 * | `pull_request`, `pull_request_target` | opened, reopened, ready_for_review, synchronize | automatic review |
 * | `workflow_run` | completed (failure, on a pull request) | analysis of each failed job |
 * | `check_run` | completed (failure, timed_out) | analysis of the failed check |
 * | `workflow_dispatch` | — | a job the App dispatched, or one started by hand (see docs/action.md) |
 *
 * @returns one result per intake run (several for a workflow run with several failed jobs); one `ignored` result
 *   when no handler applies
 * @throws GitHubError when GitHub finally fails; ConfigError for invalid `workflow_dispatch` inputs (the handler's
 *   own error, not the emitter's AggregateError)
 */
export async function routeEvent(ctx: JobsContext, event: ActionEvent, runner: RunnerInfo): Promise<IntakeResult[]> {
  // `pull_request_target` (workflows that run for forks' pull requests) carries `pull_request`'s payload.
  const name = event.name === "pull_request_target" ? "pull_request" : event.name;
  if (!isEventName(name)) return [ignored(`Tanuki does not handle ${event.name} events`)];
  const results: IntakeResult[] = [];
  const handler = createEventHandler({});
  handler.on("issue_comment.created", async ({ payload }) => {
    const input = commentCommandInputOf(payload);
    results.push(input ? await handleCommentCommand(ctx, input) : ignored("no /tanuki command, or written by a bot"));
  });
  handler.on("issues.labeled", async ({ payload }) => {
    const input = issueLabelInputOf(payload);
    results.push(input ? await handleIssueLabel(ctx, input) : ignored("label added by a bot or on a pull request"));
  });
  handler.on([...PULL_REQUEST_REVIEW_EVENTS], async ({ payload }) => {
    const input = pullRequestInputOf(payload);
    results.push(input ? await handlePullRequest(ctx, input) : ignored("closed pull request, or a bot's"));
  });
  handler.on("workflow_run.completed", async ({ payload }) => {
    const inputs = await workflowRunInputsOf(ctx, payload);
    if (inputs.length === 0) results.push(ignored("not a failed workflow run on a pull request"));
    for (const input of inputs) results.push(await handleFailingCheck(ctx, input));
  });
  handler.on("check_run.completed", async ({ payload }) => {
    const inputs = checkRunInputsOf(payload);
    if (inputs.length === 0) results.push(ignored("not a failed check on a pull request"));
    for (const input of inputs) results.push(await handleFailingCheck(ctx, input));
  });
  handler.on("workflow_dispatch", async ({ payload }) => {
    results.push(await runDispatchedJob(ctx, payload, runner));
  });
  try {
    await handler.receive({ id: event.id, name, payload: event.payload } as EmitterWebhookEvent);
  } catch (err) {
    // The emitter wraps a handler's error in an AggregateError; callers get the handler's own (typed) error.
    const inner = err instanceof AggregateError ? err.errors[0] : err;
    throw inner ?? err;
  }
  if (results.length > 0) return results;
  const action = (event.payload as { action?: unknown } | null)?.action;
  return [ignored(`${event.name}${typeof action === "string" ? ` ${action}` : ""}: nothing to do for it`)];
}

const EVENT_NAMES: ReadonlySet<string> = new Set(emitterEventNames);

function isEventName(name: string): name is EmitterWebhookEvent["name"] {
  return EVENT_NAMES.has(name) && !name.includes(".");
}
