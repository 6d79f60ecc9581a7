import { execFileSync } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runEvalCommand } from "../../../src/cli/eval-command.js";
import { assembleEngine, type Engine } from "../../../src/compose/create-engine.js";
import { readResults } from "../../../src/eval/results-files.js";
import { createPatchModel } from "../../helpers/patch-model.js";
import type { ScriptedModel } from "../../helpers/scripted-model.js";
import { describeWithSandbox, TEST_SANDBOX_IMAGE } from "../../sandbox/sandbox-test-env.js";
import { createFixtureTasks, type FixtureTask } from "./eval-fixtures.js";

const describeDocker = await describeWithSandbox();

/** Base-commit content of a file of a fixture repository (undefined when it does not exist there). */
function readBase(repo: string, commit: string) {
  return (path: string): string | undefined => {
    try {
      return execFileSync("git", ["-C", repo, "show", `${commit}:${path}`], { encoding: "utf8" });
    } catch {
      return undefined;
    }
  };
}

describeDocker("tanuki eval through the whole loop (perfect scripted model, real git, real Docker sandbox)", () => {
  let root: string;
  let reposDir: string;
  let tasks: FixtureTask[];
  const models = new Map<string, ScriptedModel>();

  beforeAll(async () => {
    ({ root, reposDir, tasks } = await createFixtureTasks());
    for (const task of tasks) {
      const repo = join(reposDir, task.instance.repo.replace("/", "__"));
      const { model } = createPatchModel(task.modelPatch, { readBase: readBase(repo, task.instance.base_commit) });
      models.set(task.instance.instance_id, model);
    }
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("resolves every task, writes official predictions, and no trace or prompt sees the gold patch or the hidden tests", async () => {
    const taskFile = join(root, "tasks.jsonl");
    await writeFile(taskFile, tasks.map((t) => JSON.stringify(t.instance)).join("\n"));
    const outDir = join(root, "loop");
    // One engine; each task's loop gets the perfect model of its own task (its folder names the task).
    const createEngine = async (): Promise<Engine> => {
      const engine = assembleEngine(models.values().next().value as ScriptedModel, { workRoot: join(root, "work") });
      return {
        ...engine,
        depsFor: (job) => engine.depsFor({ ...job, model: models.get(basename(dirname(job.tracePath))) }),
      };
    };
    const out: string[] = [];
    const err: string[] = [];

    const code = await runEvalCommand(
      taskFile,
      { out: outDir, reposDir, workers: 2, maxAttempts: 2, plans: 2 },
      {
        cwd: root,
        env: { ...process.env, TANUKI_SANDBOX_IMAGE: TEST_SANDBOX_IMAGE },
        stdout: { write: (t) => void out.push(t) },
        stderr: { write: (t) => void err.push(t) },
        createEngine,
      },
    );

    expect(code, err.join("")).toBe(0);
    const results = await readResults(join(outDir, "results.jsonl"));
    expect(
      results.map((r) => [r.instance_id, r.status, r.outcome, r.tanukiSaysFixed]),
      JSON.stringify(results.map((r) => r.error)),
    ).toEqual(tasks.map((t) => [t.instance.instance_id, "resolved", "fixed", true]));
    expect(results.every((r) => r.modelCalls > 0 && (r.tokens?.total ?? 0) > 0 && r.attempts >= 1)).toBe(true);
    expect(out.join("")).toContain("resolved: 3/3");
    expect(err.join("")).toMatch(/\[3\/3\] resolved \d/);

    const lines = (await readFile(join(outDir, "predictions.jsonl"), "utf8")).trim().split("\n");
    const predictions = lines.map((line) => JSON.parse(line) as Record<string, string>);
    for (const prediction of predictions) {
      expect(Object.keys(prediction).sort()).toEqual(["instance_id", "model_name_or_path", "model_patch"]);
      expect(prediction.model_name_or_path).toBe("tanuki/scripted-model");
      expect(prediction.model_patch).toMatch(/^diff --git /);
    }
    const summary = JSON.parse(await readFile(join(outDir, "summary.json"), "utf8"));
    expect(summary).toMatchObject({
      total: 3,
      resolved: 3,
      tanukiVerdict: { saidFixed: 3, confirmed: 3, precision: 1 },
    });
    expect(await readFile(join(outDir, "report.html"), "utf8")).toContain("acme__jsstrings-1");

    for (const task of tasks) {
      const id = task.instance.instance_id;
      const trace = await readFile(join(outDir, "tasks", id, "trace.jsonl"), "utf8");
      const prompts = (models.get(id)?.calls ?? []).flatMap((call) => call.messages.map((m) => m.content)).join("\n");
      // The run did see the problem statement: the checks below look at real prompts and a real trace.
      expect(trace).toContain(task.marker);
      expect(prompts).toContain(task.marker);
      const hidden = [
        task.goldOnly,
        task.instance.patch,
        task.instance.test_patch,
        ...task.instance.FAIL_TO_PASS,
        ...task.instance.FAIL_TO_PASS.map((name) => name.split("::").pop() as string),
      ];
      for (const secret of hidden) {
        expect(trace.includes(secret), `${id}: the trace contains ${secret}`).toBe(false);
        expect(prompts.includes(secret), `${id}: a prompt contains ${secret}`).toBe(false);
      }
      expect(await readFile(join(outDir, "tasks", id, "pr.md"), "utf8")).toContain("#");
    }
  });
});
