import {
  AGENT_IDS,
  DEFAULT_ROSTER,
  fitRosterToContext,
  getRosterEntry,
  REVIEW_TASK,
  runAgent,
} from "../agents/index.js";
import type { RunConfig } from "../config/run-config.js";
import type { Finding } from "../core/finding.js";
import type { TestReport } from "../core/test-report.js";
import type { ChatModel } from "../llm/chat-model.js";
import { SANDBOX_ENV } from "../loop/phases/test.js";
import { toTestReport } from "../testing/to-test-report.js";
import type { Engine } from "./create-engine.js";

/** Label put on sandboxes of review jobs, with the head SHA as value. */
export const REVIEW_JOB_LABEL = "tanuki.review";

/**
 * Run the repository's tests (detected, or `config.testCommand`) on `sha` in a fresh sandbox over a private work
 * copy of `repoDir`. Returns undefined when no test command is known. The sandbox and work copy are removed before
 * returning, also on failure or abort.
 */
export async function runProjectTests(
  engine: Engine,
  repoDir: string,
  sha: string,
  config: RunConfig,
  signal: AbortSignal,
): Promise<TestReport | undefined> {
  const workspace = await engine.workspaces.open(repoDir, { baseSha: sha, workRoot: engine.workRoot });
  try {
    const facts = await engine.explorer.explore(workspace.dir, { signal, files: await workspace.listFiles() });
    const command = config.testCommand ?? facts.testCommand;
    if (!command) return undefined;
    const prepared = await engine.environments.prepare({
      workspaceDir: workspace.dir,
      repo: { files: await workspace.listFiles(), read: (path) => workspace.readFile(path).catch(() => undefined) },
      config: config.environment,
      ...(config.setupCommand ? { setupCommand: config.setupCommand } : {}),
      sandboxImage: config.sandbox.image,
      limits: config.sandbox.limits,
      cacheScope: repoDir,
      labels: { [REVIEW_JOB_LABEL]: sha },
      signal,
    });
    if (!prepared.ok) {
      const env = prepared.report;
      return {
        command: env.command ?? command,
        exitCode: env.exitCode ?? 1,
        durationMs: env.durationMs,
        timedOut: env.problem === "timeout",
        outputTail: `The environment could not be built: ${env.message ?? ""}\n${env.logTail}`,
      };
    }
    const sandbox = await engine.sandboxes.create({
      workspaceDir: workspace.dir,
      image: prepared.environment.image,
      env: prepared.environment.env,
      limits: config.sandbox.limits,
      labels: { [REVIEW_JOB_LABEL]: sha },
      signal,
    });
    try {
      return toTestReport(command, await sandbox.exec({ command, env: SANDBOX_ENV, signal }));
    } finally {
      await sandbox.dispose();
    }
  } finally {
    await workspace.dispose();
  }
}

/**
 * Review a pull request's change: the tester runs the project's tests on the head commit in the sandbox, then the
 * adversarial reviewer attacks the diff with those results in hand.
 *
 * @param input.model the reviewer's model; default the engine's (a job passes its per-agent model choice here)
 * @returns findings (lines on the new side of `diff`), the reviewer's summary, and the test report when tests ran
 * @throws ModelError, SandboxError, GitError, CancelledError
 */
export async function reviewPullRequestChange(
  engine: Engine,
  input: {
    repoDir: string;
    headSha: string;
    diff: string;
    config: RunConfig;
    signal: AbortSignal;
    model?: ChatModel;
  },
): Promise<{ findings: Finding[]; summary: string; tests?: TestReport }> {
  const tests = await runProjectTests(engine, input.repoDir, input.headSha, input.config, input.signal);
  const model = input.model ?? engine.model;
  // As in the loop: the reviewer's answer cap fits the model's context.
  const reviewer = getRosterEntry(fitRosterToContext(DEFAULT_ROSTER, model.contextSize), AGENT_IDS.reviewer);
  const review = await runAgent(
    model,
    reviewer,
    REVIEW_TASK,
    {
      issue: {
        title: `Review of ${input.headSha.slice(0, 12)}`,
        body: "Review this pull request's change for defects before it is merged.",
      },
      diff: input.diff,
      ...(tests ? { after: tests } : {}),
    },
    input.signal,
  );
  return { findings: review.value.findings, summary: review.value.summary, ...(tests ? { tests } : {}) };
}
