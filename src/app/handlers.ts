import type { Context } from "probot";
import { onDispatchedRunCompleted } from "../jobs/dispatch/watch-dispatched.js";
import { handleCommentCommand } from "../jobs/intake/comment-command.js";
import {
  checkRunEventIdentity,
  commentEventIdentity,
  labelEventIdentity,
  pullRequestEventIdentity,
  workflowRunEventIdentity,
} from "../jobs/intake/event-identity.js";
import {
  checkRunInputsOf,
  commentCommandInputOf,
  isFailedPullRequestRun,
  issueLabelInputOf,
  pullRequestInputOf,
  type ReviewAction,
  workflowRunInputsOf,
} from "../jobs/intake/event-inputs.js";
import { handleFailingCheck } from "../jobs/intake/failing-check.js";
import { handleIssueLabel } from "../jobs/intake/issue-label.js";
import { handlePullRequest } from "../jobs/intake/pull-request.js";
import type { JobsContext } from "../jobs/jobs-context.js";

export { targetOf } from "../jobs/intake/event-inputs.js";

/** Start intake work without holding the webhook's HTTP response (tracked so `idle()` can wait for it). */
export type Background = (what: string, work: () => Promise<unknown>) => void;

/** What a handler needs of a delivery: its id (`X-GitHub-Delivery`) and its payload. */
export type Delivery<E extends Context["name"]> = Pick<Context<E>, "id" | "payload">;

/**
 * True the first time both this delivery id and this event (see `event-identity.ts`) are seen: a redelivery and a
 * body replayed under a new delivery id are both dropped.
 */
async function firstTime(ctx: JobsContext, deliveryId: string, eventIdentity: string): Promise<boolean> {
  return (await ctx.store.claimOnce("delivery", deliveryId)) && (await ctx.store.claimOnce("event", eventIdentity));
}

/**
 * `issue_comment.created` (edited comments are not subscribed to, so they never re-trigger): parse the command,
 * drop bots, redeliveries and replays, then handle it in the background.
 */
export async function onIssueComment(ctx: JobsContext, bg: Background, context: Delivery<"issue_comment.created">) {
  const input = commentCommandInputOf(context.payload);
  if (!input) return;
  if (!(await firstTime(ctx, context.id, commentEventIdentity(context.payload)))) return;
  bg("issue_comment", () => handleCommentCommand(ctx, input));
}

/** `issues.labeled` by a human: the configured label starts a fix. */
export async function onIssueLabeled(ctx: JobsContext, bg: Background, context: Delivery<"issues.labeled">) {
  const input = issueLabelInputOf(context.payload);
  if (!input) return;
  if (!(await firstTime(ctx, context.id, labelEventIdentity(context.payload)))) return;
  bg("issues.labeled", () => handleIssueLabel(ctx, input));
}

/** `pull_request` opened / reopened / ready_for_review / synchronize by a human: automatic review. */
export async function onPullRequest(
  ctx: JobsContext,
  bg: Background,
  context: Delivery<`pull_request.${ReviewAction}`>,
) {
  const input = pullRequestInputOf(context.payload);
  if (!input) return;
  if (!(await firstTime(ctx, context.id, pullRequestEventIdentity(context.payload)))) return;
  bg("pull_request", () => handlePullRequest(ctx, input));
}

/** `check_run.completed` with a failing conclusion on a pull request (not Tanuki's own check run). */
export async function onCheckRun(ctx: JobsContext, bg: Background, context: Delivery<"check_run.completed">) {
  const inputs = checkRunInputsOf(context.payload);
  if (inputs.length === 0) return;
  if (!(await firstTime(ctx, context.id, checkRunEventIdentity(context.payload)))) return;
  for (const input of inputs) bg("check_run", () => handleFailingCheck(ctx, input));
}

/**
 * `workflow_run.completed`: in dispatch mode, the end of a run Tanuki dispatched is checked against its job (a
 * runner that died is reported); otherwise a failed run on a pull request has each failed job analysed.
 */
export async function onWorkflowRun(ctx: JobsContext, bg: Background, context: Delivery<"workflow_run.completed">) {
  const { payload } = context;
  const dispatched = ctx.dispatcher !== undefined && payload.workflow_run.event === "workflow_dispatch";
  if (!dispatched && !isFailedPullRequestRun(payload)) return;
  if (!(await firstTime(ctx, context.id, workflowRunEventIdentity(context.payload)))) return;
  bg("workflow_run", async () => {
    if (dispatched && (await onDispatchedRunCompleted(ctx, payload))) return;
    for (const input of await workflowRunInputsOf(ctx, payload)) await handleFailingCheck(ctx, input);
  });
}
