import { parseRepoConfig, REPO_CONFIG_PATH, type RepoConfigResult } from "../../config/repo-config.js";
import type { GitHubPort } from "../../github/github-port.js";

/**
 * Read and validate the repository config at a commit (defaults when the file does not exist).
 * @param path file in the repository; default `.github/tanuki.yml` (the Action's `config-path` input may change it)
 */
export async function repoConfigAt(
  github: GitHubPort,
  sha: string,
  path: string = REPO_CONFIG_PATH,
): Promise<RepoConfigResult> {
  return parseRepoConfig(await github.getFile(path, sha));
}

/** Markdown that reports an invalid `.github/tanuki.yml`: every problem with its key path; nothing ran. */
export function configProblemText(issues: string[], sha: string): string {
  return [
    `\`${REPO_CONFIG_PATH}\` at ${sha.slice(0, 7)} is invalid, so nothing was run (Tanuki never runs on a half-valid configuration):`,
    issues.map((issue) => `- \`${issue.replace(/`/g, "'")}\``).join("\n"),
    "Fix the file and ask again.",
  ].join("\n\n");
}

/** The one polite reply to a user without enough permission. */
export function notAllowedText(user: string, minimum: string): string {
  return (
    `Thanks for the interest, @${user}! Tanuki only takes requests from people with \`${minimum}\` permission ` +
    "on this repository, so nothing was started. A maintainer can run the command for you."
  );
}
