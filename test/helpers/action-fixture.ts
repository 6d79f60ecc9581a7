import { GitHubMockServer } from "./action-github-server.js";
import { type BareRemote, createBareRemote } from "./app-git.js";

/** What an Action process test starts from: a bare remote and a GitHub API mock served over HTTP. */
export interface ActionFixture {
  remote: BareRemote;
  /** Tip of the remote's `main`. */
  baseSha: string;
  github: GitHubMockServer;
  /** Stops the mock server, then removes the remote. */
  close(): Promise<void>;
}

/** A bare remote whose `main` holds `files`, and a started {@link GitHubMockServer}. */
export async function startActionFixture(files: Record<string, string>): Promise<ActionFixture> {
  const remote = createBareRemote(files);
  const baseSha = remote.branchSha("main") as string;
  const github = await GitHubMockServer.start();
  return {
    remote,
    baseSha,
    github,
    async close() {
      await github.close();
      remote.dispose();
    },
  };
}
