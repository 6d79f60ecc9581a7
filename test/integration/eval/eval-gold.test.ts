import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readResults } from "../../../src/eval/results-files.js";
import { runEval } from "../../../src/eval/run-eval.js";
import { describeWithSandbox } from "../../sandbox/sandbox-test-env.js";
import { evalOptions } from "./eval-env.js";
import { createFixtureTasks, type FixtureTask, withWrongGold } from "./eval-fixtures.js";

const describeDocker = await describeWithSandbox();

describeDocker("tanuki eval scoring on fixture repositories (Python + JavaScript, real Docker sandbox)", () => {
  let root: string;
  let reposDir: string;
  let tasks: FixtureTask[];
  let env: Awaited<ReturnType<typeof evalOptions>>;

  beforeAll(async () => {
    ({ root, reposDir, tasks } = await createFixtureTasks());
    env = await evalOptions(reposDir);
  });
  afterAll(async () => {
    await env?.cleanup();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("--gold resolves every task, with per-test results, and the base fails each one", async () => {
    const outDir = join(root, "gold");
    const run = await runEval({
      ...env.options,
      instances: tasks.map((t) => t.instance),
      outDir,
      source: { kind: "gold" },
    });

    expect(run.results.map((r) => [r.instance_id, r.status])).toEqual(
      tasks.map((t) => [t.instance.instance_id, "resolved"]),
    );
    for (const result of run.results) {
      expect(result.baseFails).toBe(true);
      expect(result.harness?.failToPass.failed).toEqual([]);
      expect(result.harness?.passToPass.failed).toEqual([]);
      expect(result.harness?.testMs).toBeGreaterThan(0);
    }
    expect(run.results.map((r) => r.language)).toEqual(["python", "python", "javascript"]);
    expect(run.summary).toMatchObject({ total: 3, resolved: 3, gold: { valid: 3, invalid: [] } });
    const predictions = (await readFile(join(outDir, "predictions.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(predictions.map((p) => Object.keys(p).sort())).toEqual(
      tasks.map(() => ["instance_id", "model_name_or_path", "model_patch"]),
    );
    expect(predictions[0].model_patch).toBe(tasks[0]?.instance.patch);
    expect(await readFile(join(outDir, "tasks", "acme__pycalc-1", "score.log"), "utf8")).toContain(
      "test_divide_by_zero_gives_none",
    );
  });

  it("an empty patch resolves none, and a wrong gold patch is reported invalid under --gold", async () => {
    const empty = await runEval({
      ...env.options,
      instances: tasks.map((t) => t.instance),
      outDir: join(root, "empty"),
      source: {
        kind: "predictions",
        patches: new Map(tasks.map((t) => [t.instance.instance_id, { model_name_or_path: "empty", model_patch: "" }])),
      },
    });
    expect(empty.summary.resolved).toBe(0);
    expect(empty.results.map((r) => r.status)).toEqual(["empty-patch", "empty-patch", "empty-patch"]);
    expect(empty.results.every((r) => r.harness?.passToPass.failed.length === 0)).toBe(true);

    const wrong = await withWrongGold(tasks[2] as FixtureTask, reposDir);
    const gold = await runEval({
      ...env.options,
      instances: [wrong],
      outDir: join(root, "wrong"),
      source: { kind: "gold" },
    });
    expect(gold.results[0]).toMatchObject({ status: "invalid", resolved: false, baseFails: true });
    expect(gold.results[0]?.error).toMatch(/does not resolve/);
    expect(gold.summary.gold?.invalid).toEqual([wrong.instance_id]);
  });

  it("resumes: finished tasks are not run again, --rerun runs them", async () => {
    const outDir = join(root, "resume");
    const first = await runEval({
      ...env.options,
      instances: [tasks[0]?.instance as FixtureTask["instance"]],
      outDir,
      source: { kind: "gold" },
    });
    expect(first.ran).toBe(1);
    const progress: number[] = [];
    const second = await runEval({
      ...env.options,
      instances: tasks.map((t) => t.instance),
      outDir,
      source: { kind: "gold" },
      onProgress: (p) => progress.push(p.done),
    });
    expect(second.ran).toBe(2);
    expect(progress.sort()).toEqual([2, 3]);
    expect(second.results[0]?.finishedAt).toBe(first.results[0]?.finishedAt);
    expect((await readResults(join(outDir, "results.jsonl"))).map((r) => r.instance_id)).toEqual(
      tasks.map((t) => t.instance.instance_id),
    );
    const third = await runEval({
      ...env.options,
      instances: tasks.map((t) => t.instance).slice(0, 1),
      outDir,
      source: { kind: "gold" },
      rerun: "all",
    });
    expect(third.ran).toBe(1);
  });

  it("Ctrl-C keeps the finished tasks, writes the summary, and the next run finishes the rest", async () => {
    const outDir = join(root, "interrupted");
    const controller = new AbortController();
    const instances = tasks.map((t) => t.instance);
    const cut = await runEval({
      ...env.options,
      workers: 1,
      instances,
      outDir,
      source: { kind: "gold" },
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(cut.interrupted).toBe(true);
    expect(cut.ran).toBe(1);
    expect((await readResults(join(outDir, "results.jsonl"))).map((r) => r.instance_id)).toEqual([
      instances[0]?.instance_id,
    ]);
    expect(JSON.parse(await readFile(join(outDir, "summary.json"), "utf8"))).toMatchObject({ total: 1, resolved: 1 });

    const rest = await runEval({ ...env.options, instances, outDir, source: { kind: "gold" } });
    expect(rest).toMatchObject({ ran: 2, interrupted: false });
    expect(rest.summary).toMatchObject({ total: 3, resolved: 3 });
  });
});
