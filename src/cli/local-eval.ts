import type { RunConfig } from "../config/run-config.js";
import type { RunEventListener } from "../core/events.js";
import { scoreCommits } from "../eval/score-commits.js";
import { createScoringDeps } from "../eval/scoring-deps.js";
import type { McpEvalRequest } from "../mcp/mcp-work.js";
import type { EvalResult } from "../mcp/tool-schemas.js";
import { runGit } from "../workspace/run-git.js";
import { resolveCommit } from "./local-runs.js";

/** Manifests that pick the eval's default runner, first match wins; none = python (pytest). */
const MANIFESTS: [file: string, language: string][] = [
  ["package.json", "javascript"],
  ["go.mod", "go"],
  ["Cargo.toml", "rust"],
];

/** The language whose runner the eval uses at commit `sha`, by the manifest at the repository's root. */
async function languageAt(repoPath: string, sha: string): Promise<string> {
  for (const [file, language] of MANIFESTS) {
    const found = await runGit({ repo: repoPath }, ["cat-file", "-e", `${sha}:${file}`], { okExitCodes: [1, 128] });
    if (found.exitCode === 0) return language;
  }
  return "python";
}

/**
 * The MCP `eval` tool's work: resolves `base` and `head` in the local repository, then `scoreCommits` (the eval's
 * scoring run, in `config.sandbox.image` with `config.sandbox.limits`, Docker and fresh git work copies; no model)
 * with the default runner of the language found at `head` unless `testCommand` is given. Progress: a `test`
 * phase event before each run, and `tests` events (before = base, after = head) at the end.
 *
 * @throws UsageError when a commit does not exist; SandboxError when the sandbox cannot be created (engine down,
 *   image missing); CancelledError on `signal`
 */
export async function evalLocalChange(
  request: Omit<McpEvalRequest, "onEvent" | "signal">,
  config: RunConfig,
  onEvent: RunEventListener,
  signal: AbortSignal,
): Promise<EvalResult> {
  const started = performance.now();
  const elapsedMs = () => performance.now() - started;
  const base = await resolveCommit(request.repoPath, request.base);
  const head = await resolveCommit(request.repoPath, request.head);
  const score = await scoreCommits(
    {
      repoPath: request.repoPath,
      base,
      head,
      ...(request.testCommand
        ? { testCommand: request.testCommand }
        : { language: await languageAt(request.repoPath, head) }),
      environment: { image: config.sandbox.image },
      limits: config.sandbox.limits,
      onRun: (which, sha) =>
        onEvent({
          type: "phase",
          phase: "test",
          detail: `tests at ${which} ${sha.slice(0, 12)}`,
          elapsedMs: elapsedMs(),
        }),
      signal,
    },
    createScoringDeps(),
  );
  for (const [which, run] of [
    ["before", score.base],
    ["after", score.head],
  ] as const) {
    onEvent({
      type: "tests",
      which,
      passed: run.passed,
      failed: run.failed,
      exitCode: run.exitCode ?? -1,
      elapsedMs: elapsedMs(),
    });
  }
  return {
    ...score,
    counts: {
      failToPass: score.failToPass.length,
      passToFail: score.passToFail.length,
      passToPass: score.passToPass.length,
      failToFail: score.failToFail.length,
    },
  };
}
