import type { EventPayload } from "./event-inputs.js";

/**
 * What makes two deliveries the same event, whatever their `X-GitHub-Delivery` ids. A delivery id is chosen by
 * whoever sends the request: a captured body replayed with a new id (or GitHub's "redeliver" of an old one) is
 * still the same comment, label or push, and must not start a second job. Each key is scoped by the repository's
 * id and holds only what GitHub fixes for the event:
 * - a comment: its id and the action (`issue_comment:<repo>:<comment id>:created`);
 * - a label: the issue, the label and the issue's `updated_at` (labelling again later is a new event);
 * - a pull request event: its number, action and head SHA (a new push is a new event);
 * - a completed check run: its id and conclusion; a completed workflow run: its id and attempt (a re-run is new).
 */
export function commentEventIdentity(payload: EventPayload<"issue_comment.created">): string {
  return `issue_comment:${payload.repository.id}:${payload.comment.id}:${payload.action}`;
}

/** See {@link commentEventIdentity}. */
export function labelEventIdentity(payload: EventPayload<"issues.labeled">): string {
  const label = payload.label?.id ?? payload.label?.name ?? "";
  return `issues.labeled:${payload.repository.id}:${payload.issue.id}:${label}:${payload.issue.updated_at}`;
}

/** See {@link commentEventIdentity}. */
export function pullRequestEventIdentity(payload: EventPayload<"pull_request">): string {
  const pr = payload.pull_request;
  return `pull_request:${payload.repository.id}:${pr.number}:${payload.action}:${pr.head.sha}`;
}

/** See {@link commentEventIdentity}. */
export function checkRunEventIdentity(payload: EventPayload<"check_run.completed">): string {
  return `check_run:${payload.repository.id}:${payload.check_run.id}:${payload.check_run.conclusion}`;
}

/** See {@link commentEventIdentity}. */
export function workflowRunEventIdentity(payload: EventPayload<"workflow_run.completed">): string {
  const run = payload.workflow_run;
  return `workflow_run:${payload.repository.id}:${run.id}:${run.run_attempt}`;
}
