import { type BareRemote, createBareRemote } from "./app-git.js";
import { GitHubMock } from "./app-github-mock.js";
import { type AppHarness, type AppHarnessOptions, startAppHarness } from "./app-harness.js";

/** The `body` field of a recorded request's JSON (a comment's Markdown); empty when absent. */
export function bodyText(call: { body: unknown } | undefined): string {
  return (call?.body as { body?: string } | undefined)?.body ?? "";
}

/** What a webhook test starts from: a bare remote, a strict GitHub API mock and a running app cloning the remote. */
export interface AppFixture {
  remote: BareRemote;
  /** Tip of the remote's `main`. */
  baseSha: string;
  github: GitHubMock;
  h: AppHarness;
  /** Stops the app, then removes the mock and the remote. */
  close(): Promise<void>;
}

/**
 * A bare remote whose `main` holds `files`, a fresh {@link GitHubMock}, and an app started on the remote.
 * @param options  further harness options (the remote URL is set here)
 */
export async function startAppFixture(
  files: Record<string, string>,
  options: Omit<AppHarnessOptions, "remoteUrl"> = {},
): Promise<AppFixture> {
  const remote = createBareRemote(files);
  const baseSha = remote.branchSha("main") as string;
  const github = new GitHubMock();
  const h = await startAppHarness({ ...options, remoteUrl: remote.url });
  return {
    remote,
    baseSha,
    github,
    h,
    async close() {
      await h.close();
      github.dispose();
      remote.dispose();
    },
  };
}
