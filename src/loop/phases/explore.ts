import type { RepoFacts } from "../../context/repo-facts.js";
import type { Workspace } from "../../workspace/workspace.js";
import type { RunContext } from "../run-context.js";
import type { RunState } from "../run-state.js";

/** The base commit's `scripts.test` from the root package.json, when it has one (unparsable JSON: none). */
async function readNpmTestScript(workspace: Workspace): Promise<string | undefined> {
  const text = await workspace.readFile("package.json").catch(() => undefined);
  if (!text) return undefined;
  try {
    const script: unknown = (JSON.parse(text) as { scripts?: { test?: unknown } } | null)?.scripts?.test;
    return typeof script === "string" ? script : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens the work copy (at the task's pinned SHA, else HEAD) and explores it: file tree, symbols, imports, language,
 * package manager and test command. The repo map goes to the trace and the run's world model.
 *
 * @throws GitError when the repository cannot be opened; whatever the explorer throws
 */
export async function explorePhase(ctx: RunContext, state: RunState): Promise<RepoFacts> {
  const workspace: Workspace = await ctx.tool(
    "git",
    { op: "open", repoPath: ctx.task.repoPath, baseSha: ctx.task.baseSha },
    () =>
      ctx.deps.workspaces.open(ctx.task.repoPath, {
        workRoot: ctx.deps.workRoot,
        ...(ctx.config.sandbox.limits.diskBytes ? { diskBytes: ctx.config.sandbox.limits.diskBytes } : {}),
        ...(ctx.task.baseSha ? { baseSha: ctx.task.baseSha } : {}),
      }),
    (opened) => ({ output: { dir: opened.dir, baseSha: opened.baseSha } }),
  );
  state.workspace = workspace;
  const facts = await ctx.tool(
    "repo-map",
    { dir: workspace.dir },
    async () => ctx.deps.explorer.explore(workspace.dir, { signal: ctx.signal, files: await workspace.listFiles() }),
    (found) => ({
      output: {
        files: found.files.length,
        language: found.language,
        packageManager: found.packageManager,
        testCommand: found.testCommand,
        testDir: found.testDir,
        testFiles: found.testFiles,
      },
    }),
  );
  state.facts = facts;
  state.testCommand = ctx.config.testCommand ?? facts.testCommand;
  const npmTestScript = await readNpmTestScript(workspace);
  if (npmTestScript) state.npmTestScript = npmTestScript;
  ctx.world.addFact("files", String(facts.files.length));
  ctx.world.addFact("language", facts.language);
  ctx.world.addFact("package manager", facts.packageManager ?? "none detected");
  ctx.world.addFact("test command", state.testCommand ?? "none detected or configured");
  ctx.world.addFact("test files", facts.testFiles.slice(0, 20).join(", ") || "none");
  return facts;
}
