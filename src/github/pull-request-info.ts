import type { PullRequestInfo } from "./github-port.js";

/** The fields of a pull request Tanuki reads, in the shape both the REST API and webhook payloads send. */
export interface PullRequestData {
  number: number;
  title: string;
  body?: string | null;
  draft?: boolean;
  state: string;
  head: { sha: string; ref: string; repo?: { full_name: string } | null };
  base: { sha: string; ref: string };
  user?: { login: string } | null;
  html_url: string;
}

/** {@link PullRequestInfo} of a pull request from the REST API or a webhook payload (absent text becomes `""`). */
export function toPullRequestInfo(data: PullRequestData): PullRequestInfo {
  return {
    number: data.number,
    title: data.title,
    body: data.body ?? "",
    draft: data.draft ?? false,
    state: data.state === "open" ? "open" : "closed",
    headSha: data.head.sha,
    headRef: data.head.ref,
    headRepo: data.head.repo?.full_name ?? "",
    baseSha: data.base.sha,
    baseRef: data.base.ref,
    author: data.user?.login ?? "",
    url: data.html_url,
  };
}
