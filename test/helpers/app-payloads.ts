import { type WebhookPayload, webhookExamples } from "../fixtures/index.js";

/** The repository every app test talks about. */
export const REPO = { owner: "acme", repo: "widgets", installationId: 1 } as const;

function adaptRepository<P extends { repository: WebhookPayload<"issue_comment.created">["repository"] }>(
  payload: P,
): P {
  payload.repository.owner.login = REPO.owner;
  payload.repository.name = REPO.repo;
  payload.repository.full_name = `${REPO.owner}/${REPO.repo}`;
  payload.repository.clone_url = `https://github.com/${REPO.owner}/${REPO.repo}.git`;
  payload.repository.default_branch = "main";
  return payload;
}

function installation() {
  return { id: REPO.installationId, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" };
}

/** `issue_comment.created` adapted from GitHub's example. */
export function issueCommentCreated(options: {
  body: string;
  login?: string;
  userType?: "User" | "Bot";
  number?: number;
  commentId?: number;
  pullRequest?: boolean;
  title?: string;
  labels?: string[];
}): WebhookPayload<"issue_comment.created"> {
  const p = adaptRepository(webhookExamples.issueCommentCreated());
  p.installation = installation();
  p.issue.number = options.number ?? 7;
  p.issue.title = options.title ?? "Crash when the widget list is empty";
  p.issue.body = "Steps: open an empty list. Expected: no crash.";
  p.issue.html_url = `https://github.com/${REPO.owner}/${REPO.repo}/issues/${p.issue.number}`;
  p.issue.labels = (options.labels ?? []).map((name, i) => ({ ...p.issue.labels?.[0], id: i + 1, name }) as never);
  if (options.pullRequest) {
    p.issue.pull_request = {
      url: `https://api.github.com/repos/${REPO.owner}/${REPO.repo}/pulls/${p.issue.number}`,
      html_url: `https://github.com/${REPO.owner}/${REPO.repo}/pull/${p.issue.number}`,
      diff_url: "",
      patch_url: "",
    };
  } else {
    delete p.issue.pull_request;
  }
  p.comment.id = options.commentId ?? 1001;
  p.comment.body = options.body;
  if (p.comment.user) {
    p.comment.user.login = options.login ?? "alice";
    p.comment.user.type = options.userType ?? "User";
  }
  p.sender.login = options.login ?? "alice";
  p.sender.type = options.userType ?? "User";
  return p;
}

/** `issues.labeled` adapted from GitHub's example. */
export function issuesLabeled(options: { label: string; login?: string; userType?: "User" | "Bot"; number?: number }) {
  const p = adaptRepository(webhookExamples.issuesLabeled());
  p.installation = installation();
  p.issue.number = options.number ?? 7;
  p.issue.title = "Crash when the widget list is empty";
  p.issue.html_url = `https://github.com/${REPO.owner}/${REPO.repo}/issues/${p.issue.number}`;
  delete p.issue.pull_request;
  if (p.label) p.label.name = options.label;
  p.sender.login = options.login ?? "alice";
  p.sender.type = options.userType ?? "User";
  return p;
}

/** A pull request event (`opened` or `synchronize` example, action set as asked). */
export function pullRequestEvent(options: {
  action: "opened" | "synchronize" | "reopened" | "ready_for_review";
  number?: number;
  headSha: string;
  baseSha: string;
  headRef?: string;
  draft?: boolean;
  login?: string;
  userType?: "User" | "Bot";
}): WebhookPayload<"pull_request.opened"> {
  const p = adaptRepository(webhookExamples.pullRequestOpened());
  p.installation = installation();
  (p as { action: string }).action = options.action;
  const pr = p.pull_request;
  pr.number = options.number ?? 12;
  p.number = pr.number;
  pr.state = "open";
  pr.draft = options.draft ?? false;
  pr.head.sha = options.headSha;
  pr.head.ref = options.headRef ?? "feature";
  pr.base.sha = options.baseSha;
  pr.base.ref = "main";
  if (pr.head.repo) pr.head.repo.full_name = `${REPO.owner}/${REPO.repo}`;
  pr.html_url = `https://github.com/${REPO.owner}/${REPO.repo}/pull/${pr.number}`;
  p.sender.login = options.login ?? "alice";
  p.sender.type = options.userType ?? "User";
  return p;
}

/** A failed `check_run.completed` of an Actions job on a pull request. */
export function checkRunFailed(options: {
  prNumber?: number;
  headSha: string;
  baseSha: string;
  headRef: string;
  jobId?: number;
  name?: string;
}): WebhookPayload<"check_run.completed"> {
  const p = adaptRepository(webhookExamples.checkRunCompletedFailure());
  p.installation = installation();
  const run = p.check_run;
  run.id = options.jobId ?? 555;
  run.name = options.name ?? "test";
  run.head_sha = options.headSha;
  const [first] = run.pull_requests;
  if (!first) throw new Error("example check_run has no pull request");
  first.number = options.prNumber ?? 12;
  first.head.sha = options.headSha;
  first.head.ref = options.headRef;
  first.base.sha = options.baseSha;
  first.base.ref = "main";
  first.head.repo.id = first.base.repo.id;
  run.pull_requests = [first];
  return p;
}

/** A failed `workflow_run.completed` on a pull request. */
export function workflowRunFailed(options: {
  runId?: number;
  prNumber?: number;
  headSha: string;
  baseSha: string;
  headRef: string;
}): WebhookPayload<"workflow_run.completed"> {
  const p = adaptRepository(webhookExamples.workflowRunCompleted());
  p.installation = installation();
  const run = p.workflow_run;
  run.id = options.runId ?? 31;
  run.conclusion = "failure";
  run.head_sha = options.headSha;
  const [first] = run.pull_requests;
  if (!first) throw new Error("example workflow_run has no pull request");
  first.number = options.prNumber ?? 12;
  first.head.sha = options.headSha;
  first.head.ref = options.headRef;
  first.base.sha = options.baseSha;
  first.head.repo.id = first.base.repo.id;
  run.pull_requests = [first];
  return p;
}
