import { delimitUntrusted } from "./delimit.js";

/** The issue as prompts show it: sanitized title and body, its number when known, the requester's instructions. */
export interface IssueForPrompt {
  title: string;
  body: string;
  number?: number;
  instructions?: string;
}

/**
 * The one rendering of an issue in a prompt (agents' prompts and the briefing alike): a `## Issue #N` heading,
 * title and body fenced together as data, and the requester's instructions fenced under their own heading.
 */
export function issueSection(issue: IssueForPrompt): string {
  const ref = issue.number !== undefined ? ` #${issue.number}` : "";
  const parts = [`## Issue${ref}`, delimitUntrusted(`issue${ref}`, `Title: ${issue.title}\n\n${issue.body}`)];
  if (issue.instructions) {
    parts.push("## Instructions from the requester", delimitUntrusted("instructions", issue.instructions));
  }
  return parts.join("\n");
}
