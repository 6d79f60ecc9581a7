import type { AppContext } from "../app/app-context.js";
import {
  checkRunInputsOf,
  commentCommandInputOf,
  type EventPayload,
  issueLabelInputOf,
  pullRequestInputOf,
  type ReviewAction,
  workflowRunInputsOf,
} from "../app/event-inputs.js";
import { handleCommentCommand } from "../app/intake/comment-command.js";
import { handleFailingCheck } from "../app/intake/failing-check.js";
import { type IntakeResult, ignored } from "../app/intake/intake-result.js";
import { handleIssueLabel } from "../app/intake/issue-label.js";
import { handlePullRequest } from "../app/intake/pull-request.js";
import { type RunnerInfo, runDispatchedJob } from "./dispatched-job.js";

const REVIEW_ACTIONS: readonly string[] = ["opened", "reopened", "ready_for_review", "synchronize"];

/**
 * Do what the GitHub App does for one event, through the App's own intakes (same permission gate, status comment,
 * check run, pull request, review and root-cause comment):
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
 * @returns one result per intake run (several for a workflow run with several failed jobs)
 * @throws GitHubError when GitHub finally fails; ConfigError for invalid `workflow_dispatch` inputs
 */
export async function routeEvent(
  ctx: AppContext,
  eventName: string,
  payload: Record<string, unknown>,
  runner: RunnerInfo,
): Promise<IntakeResult[]> {
  const action = typeof payload.action === "string" ? payload.action : undefined;
  switch (eventName) {
    case "issue_comment": {
      if (action !== "created") return [ignored(`issue_comment ${action ?? ""} (only new comments count)`)];
      const input = commentCommandInputOf(payload as EventPayload<"issue_comment.created">);
      return [input ? await handleCommentCommand(ctx, input) : ignored("no /tanuki command, or written by a bot")];
    }
    case "issues": {
      if (action !== "labeled") return [ignored(`issues ${action ?? ""}`)];
      const input = issueLabelInputOf(payload as EventPayload<"issues.labeled">);
      return [input ? await handleIssueLabel(ctx, input) : ignored("label added by a bot or on a pull request")];
    }
    case "pull_request":
    case "pull_request_target": {
      if (!action || !REVIEW_ACTIONS.includes(action)) return [ignored(`pull_request ${action ?? ""}`)];
      const input = pullRequestInputOf(payload as EventPayload<`pull_request.${ReviewAction}`>);
      return [input ? await handlePullRequest(ctx, input) : ignored("closed pull request, or a bot's")];
    }
    case "workflow_run": {
      if (action !== "completed") return [ignored(`workflow_run ${action ?? ""}`)];
      const inputs = await workflowRunInputsOf(ctx, payload as EventPayload<"workflow_run.completed">);
      return inputs.length > 0
        ? await sequential(inputs.map((input) => () => handleFailingCheck(ctx, input)))
        : [ignored("not a failed workflow run on a pull request")];
    }
    case "check_run": {
      if (action !== "completed") return [ignored(`check_run ${action ?? ""}`)];
      const inputs = checkRunInputsOf(payload as EventPayload<"check_run.completed">);
      return inputs.length > 0
        ? await sequential(inputs.map((input) => () => handleFailingCheck(ctx, input)))
        : [ignored("not a failed check on a pull request")];
    }
    case "workflow_dispatch":
      return [await runDispatchedJob(ctx, payload as EventPayload<"workflow_dispatch">, runner)];
    default:
      return [ignored(`Tanuki does not handle ${eventName} events`)];
  }
}

async function sequential<T>(steps: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = [];
  for (const step of steps) out.push(await step());
  return out;
}
