/**
 * Test-only entry of the Action: the same `runAction` the real entry (src/action/main.ts) calls, with the engine
 * replaced by a scripted JobRunner and Octokit's retries and throttling off. Tests start it as a process with the
 * environment GitHub Actions provides:
 *
 *   node --import tsx test/helpers/action-scripted-entry.ts
 *
 * `TANUKI_TEST_SCRIPT` picks the runner's script (`fixed`: commits a fix on the task's branch and returns a
 * fixed RunResult with a pull request; `not-fixed`: returns a failure with what was tried; `reviewed`: a review
 * without findings, of the head the job checked out); `TANUKI_TEST_REMOTE`
 * is the git URL cloned and pushed instead of the event's clone_url (a local bare repository).
 */
import { ProbotOctokit } from "probot";
import { runAction } from "../../src/action/run-action.js";
import { readActionEnv } from "../../src/config/action-env.js";
import { git } from "./app-git.js";
import { commitOnBranch, runResult, ScriptedJobRunner } from "./app-scripted-runner.js";

function scriptedRunner(script: string | undefined): ScriptedJobRunner {
  if (script === "fixed") {
    return new ScriptedJobRunner({
      fix: (input) => {
        input.onEvent({ type: "phase", phase: "test", attempt: 1, elapsedMs: 5 });
        const base = input.task.baseSha as string;
        const branch = input.task.branchName as string;
        const headSha = commitOnBranch(input.repoDir, base, branch, {
          "src/list.js": "export const first = (xs) => xs[0]?.name;\n",
        });
        return runResult({
          outcome: "fixed",
          baseSha: base,
          branch,
          headSha,
          timings: { totalMs: 4_200, plan: 1_100, code: 2_000, test: 1_100 },
          pullRequest: {
            title: "Fix crash on empty widget list",
            body: "## Summary\nGuard the empty list.\n\nFixes #7",
            draft: false,
          },
        });
      },
    });
  }
  if (script === "not-fixed") {
    return new ScriptedJobRunner({
      fix: (input) =>
        runResult({
          outcome: "budget-exhausted",
          reason: "the attempt budget (1) ran out",
          baseSha: input.task.baseSha as string,
          attempts: [
            {
              attempt: 1,
              edits: [],
              editProblems: [],
              diff: "",
              findings: [],
              score: 0,
              durationMs: 10,
              failureReason: "tests still fail",
            },
          ],
        }),
    });
  }
  if (script === "reviewed") {
    return new ScriptedJobRunner({
      review: (input) => ({
        summary: `Looks fine at ${git(input.repoDir, "rev-parse", "HEAD")}.`,
        findings: [],
      }),
    });
  }
  return new ScriptedJobRunner();
}

const env = readActionEnv(process.env);
const runner = scriptedRunner(process.env.TANUKI_TEST_SCRIPT);
const remote = process.env.TANUKI_TEST_REMOTE;
const report = await runAction({
  env,
  createRunner: async () => Object.assign(runner, { dispose: async () => undefined }),
  Octokit: ProbotOctokit.defaults((o: object) => ({ ...o, retry: { enabled: false }, throttle: { enabled: false } })),
  ...(remote ? { remoteUrl: () => remote } : {}),
});
process.exit(report.exitCode);
