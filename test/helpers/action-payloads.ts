import { createRequire } from "node:module";
import type { WebhookPayload } from "../fixtures/index.js";
import { issueCommentCreated, REPO } from "./app-payloads.js";

const require = createRequire(import.meta.url);
const definitions = require("@octokit/webhooks-examples") as { name: string; examples: Record<string, unknown>[] }[];

/**
 * An `issue_comment.created` payload as Actions delivers it in `GITHUB_EVENT_PATH`: GitHub's example, adapted to
 * acme/widgets, without the `installation` key webhooks to an App carry.
 */
export function actionIssueComment(options: Parameters<typeof issueCommentCreated>[0]) {
  const payload = issueCommentCreated(options);
  delete (payload as { installation?: unknown }).installation;
  return payload;
}

/** GitHub's `workflow_dispatch` example adapted to acme/widgets, with `inputs` and the sender given. */
export function workflowDispatch(inputs: Record<string, string>, sender = "tanuki[bot]") {
  const example = definitions.find((d) => d.name === "workflow_dispatch")?.examples[0];
  if (!example) throw new Error("no workflow_dispatch example payload");
  const payload = structuredClone(example) as WebhookPayload<"workflow_dispatch">;
  const repo = payload.repository;
  repo.owner.login = REPO.owner;
  repo.name = REPO.repo;
  repo.full_name = `${REPO.owner}/${REPO.repo}`;
  repo.clone_url = `https://github.com/${REPO.owner}/${REPO.repo}.git`;
  repo.default_branch = "main";
  payload.inputs = inputs;
  payload.sender.login = sender;
  payload.sender.type = sender.endsWith("[bot]") ? "Bot" : "User";
  delete (payload as { installation?: unknown }).installation;
  return payload;
}
