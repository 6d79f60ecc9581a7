import type { RepoFacts } from "../../context/repo-facts.js";
import { MIXED_TEST_CONFIG_FILES } from "../../testing/test-files.js";
import type { Workspace } from "../../workspace/workspace.js";
import type { RunContext } from "../run-context.js";

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

/** What exploring the base commit found, for `runFix` to keep. */
export interface Explored {
  facts: RepoFacts;
  /** Test command in use: configured, else detected; undefined when neither. */
  testCommand?: string;
  /** The base commit's `scripts.test` (what `npm test` runs). */
  npmTestScript?: string;
  /** Base content of the root manifests that mix test configuration in (see `MIXED_TEST_CONFIG_FILES`). */
  baseManifests: Record<string, string>;
}

/**
 * Opens the work copy at the task's pinned SHA, else HEAD.
 * @throws GitError when the repository cannot be opened
 */
export async function openWorkspacePhase(ctx: RunContext): Promise<Workspace> {
  return ctx.tool(
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
}

/**
 * Explores the base commit in the work copy: file tree, symbols, imports, language, package manager and test
 * command, plus the test configuration kept in root manifests. The repo map goes to the trace and the run's world
 * model.
 *
 * @throws whatever the explorer throws
 */
export async function explorePhase(ctx: RunContext, workspace: Workspace): Promise<Explored> {
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
  const testCommand = ctx.config.testCommand ?? facts.testCommand;
  const npmTestScript = await readNpmTestScript(workspace);
  const baseManifests: Record<string, string> = {};
  for (const manifest of MIXED_TEST_CONFIG_FILES) {
    const text = await workspace.readFile(manifest).catch(() => undefined);
    if (text !== undefined) baseManifests[manifest] = text;
  }
  ctx.world.addFact("files", String(facts.files.length));
  ctx.world.addFact("language", facts.language);
  ctx.world.addFact("package manager", facts.packageManager ?? "none detected");
  ctx.world.addFact("test command", testCommand ?? "none detected or configured");
  ctx.world.addFact("test files", facts.testFiles.slice(0, 20).join(", ") || "none");
  return {
    facts,
    ...(testCommand ? { testCommand } : {}),
    ...(npmTestScript ? { npmTestScript } : {}),
    baseManifests,
  };
}
