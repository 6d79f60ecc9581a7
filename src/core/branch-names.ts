import type { Task } from "./task.js";

/** Longest slug in a branch name, characters. */
export const MAX_SLUG_CHARS = 48;

/**
 * A git-ref-safe slug: lower case ASCII letters, digits and single dashes, at most `maxChars` (cut at a dash when
 * one falls in the second half); accents are folded (`é` → `e`). Returns `fix` when nothing is left.
 */
export function slugify(text: string, maxChars = MAX_SLUG_CHARS): string {
  const slug = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  if (slug.length <= maxChars) return slug || "fix";
  const cut = slug.slice(0, maxChars);
  const lastDash = cut.lastIndexOf("-");
  return (lastDash >= maxChars / 2 ? cut.slice(0, lastDash) : cut).replace(/-+$/, "") || "fix";
}

/**
 * Every branch Tanuki creates, in one place. Tanuki only ever pushes to `tanuki/…` branches; a branch it works on
 * locally before pushing somewhere else is a `tanuki/work-…` branch.
 */
export const tanukiBranch = {
  /** The fix of issue `n`: `tanuki/issue-<n>-<slug of the title>`. */
  issue: (issue: { number: number; title: string }) => `tanuki/issue-${issue.number}-${slugify(issue.title)}`,
  /** A fix without an issue number (the CLI): `tanuki/<slug of the title>`. */
  untracked: (title: string) => `tanuki/${slugify(title)}`,
  /** A follow-up pull request into pull request `n`'s branch: `tanuki/pr-<n>-fix`. */
  pullRequestFix: (number: number) => `tanuki/pr-${number}-fix`,
  /** A follow-up pull request repairing check `checkName` of pull request `n`: `tanuki/pr-<n>-fix-<slug>`. */
  checkFix: (number: number, checkName: string) => `tanuki/pr-${number}-fix-${slugify(checkName)}`,
  /**
   * The local branch a fix is built on before it is pushed onto an existing `tanuki/` branch: `tanuki/work-<what>`
   * (`pr-<n>` for a pull request, the check's slug for a failing check).
   */
  work: (what: string) => `tanuki/work-${slugify(what)}`,
  /**
   * The result of a prompt in an editor (ACP): `tanuki/editor-<tag>-<slug of the title>`, `tag` unique per prompt so
   * asking twice for the same thing never collides with the first result.
   */
  editor: (tag: string, title: string) => `tanuki/editor-${slugify(tag, 24)}-${slugify(title)}`,
} as const;

/** The result branch of a task: `task.branchName` when set, else the issue's branch (or the untracked one). */
export function branchNameFor(task: Pick<Task, "branchName" | "issue">): string {
  if (task.branchName) return task.branchName;
  const { number, title } = task.issue;
  return number !== undefined ? tanukiBranch.issue({ number, title }) : tanukiBranch.untracked(title);
}
