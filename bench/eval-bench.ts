/**
 * The bundled starter suite through the whole loop with the scripted gold model (test/helpers/patch-model.ts: a
 * "perfect" coder answering from each task's gold patch), scored by the harness: Tanuki's own time per task and the
 * harness's overhead (scoring time beyond the repository's test time). Needs the suite's repositories as
 * `<owner>__<name>` mirrors in TANUKI_EVAL_REPOS (GitHub is not reachable from CI); tasks whose repository is
 * missing are left out, and TANUKI_EVAL_LANGUAGES (comma-separated) limits the languages.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { suitePath } from "../src/cli/eval-command.js";
import { assembleEngine } from "../src/compose/create-engine.js";
import { RunConfig } from "../src/config/run-config.js";
import { imageEnvironments } from "../src/eval/environments.js";
import { readTaskFile } from "../src/eval/read-task-file.js";
import { localRepos, repoFolderName } from "../src/eval/repo-source.js";
import { runEval } from "../src/eval/run-eval.js";
import { createPatchModel } from "../test/helpers/patch-model.js";
import type { ScriptedModel } from "../test/helpers/scripted-model.js";

export async function benchEval(options: { image: string; reposDir?: string; languages?: string[] }) {
  const { reposDir } = options;
  if (!reposDir)
    return { skipped: "set TANUKI_EVAL_REPOS to a folder of <owner>__<name> mirrors of the suite's repositories" };
  const { instances } = await readTaskFile(suitePath("starter"));
  const runnable = instances.filter(
    (i) =>
      existsSync(join(reposDir, repoFolderName(i.repo))) &&
      (!options.languages || options.languages.includes(i.language ?? "")),
  );
  if (runnable.length === 0) return { skipped: `no task of the starter suite has its repository in ${reposDir}` };
  const models = new Map<string, ScriptedModel>();
  for (const instance of runnable) {
    const gitDir = join(reposDir, repoFolderName(instance.repo));
    const readBase = (path: string) => {
      try {
        return execFileSync("git", ["--git-dir", gitDir, "show", `${instance.base_commit}:${path}`], {
          encoding: "utf8",
        });
      } catch {
        return undefined;
      }
    };
    models.set(
      instance.instance_id,
      createPatchModel(instance.patch, { readBase, requireSearchInPrompt: false }).model,
    );
  }
  const root = await mkdtemp(join(tmpdir(), "tanuki-eval-bench-"));
  const engine = assembleEngine(models.values().next().value as ScriptedModel, { workRoot: join(root, "work") });
  try {
    const run = await runEval({
      instances: runnable,
      outDir: join(root, "out"),
      source: {
        kind: "tanuki",
        modelName: "tanuki/scripted-gold",
        loopDeps: (job) => engine.depsFor({ ...job, model: models.get(basename(dirname(job.tracePath))) }),
      },
      repos: localRepos(reposDir),
      environments: imageEnvironments({ defaultImage: options.image }),
      config: RunConfig.parse({ budgets: { maxAttempts: 1 }, planCandidates: 1, sandbox: { image: options.image } }),
      score: { sandboxes: engine.sandboxes, workspaces: engine.workspaces, workRoot: engine.workRoot },
      workers: 1,
    });
    return {
      tasks: run.results.map((r) => ({
        id: r.instance_id,
        status: r.status,
        outcome: r.outcome,
        tanukiMs: r.wallMs,
        scoreMs: r.harness?.scoreMs,
        testMs: r.harness?.testMs,
        overheadMs: r.harness?.testMs !== undefined ? r.harness.scoreMs - r.harness.testMs : undefined,
      })),
      summary: run.summary,
    };
  } finally {
    await engine.dispose();
    await rm(root, { recursive: true, force: true });
  }
}
