import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { MIN_AGENT_TOKENS } from "../../src/agents/shared/answer-size.js";
import { RunConfig } from "../../src/config/run-config.js";
import { LlamaCppModel } from "../../src/llm/llama-cpp-model.js";
import { runFix } from "../../src/loop/run-fix.js";
import { describeIfAvailable, testModelPath } from "../helpers/requirements.js";
import { jobContainers, realDeps } from "../integration/loop/docker-loop-env.js";
import { sandboxAvailable, TEST_SANDBOX_IMAGE } from "../sandbox/sandbox-test-env.js";
import { createBuggyPythonRepo, ISSUE } from "../unit/loop/fixtures/buggy-python-repo.js";

const modelPath = testModelPath();
const describeModel = describeIfAvailable(
  modelPath !== undefined && (await sandboxAvailable()),
  `a GGUF model at TANUKI_TEST_MODEL and a Docker engine with the ${TEST_SANDBOX_IMAGE} image`,
);

/** Wall-clock budget of the run, ms. */
const WALL_CLOCK_MS = 240_000;

describeModel("runFix with a real GGUF model (node-llama-cpp), real git and real Docker", () => {
  let model: LlamaCppModel;
  let root: string;
  let repo: string;
  let workRoot: string;

  beforeAll(async () => {
    // A tiny model with a 512-token vocabulary needs room: the prompts are long in its tokens.
    model = await LlamaCppModel.load({ modelPath: modelPath as string, threads: 1, contextSize: 4096 });
    ({ repo, root } = await createBuggyPythonRepo());
    workRoot = await mkdtemp(join(tmpdir(), "tanuki-llama-loop-"));
  });
  afterAll(async () => {
    await model?.dispose();
    if (root) await rm(root, { recursive: true, force: true });
    if (workRoot) await rm(workRoot, { recursive: true, force: true });
  });

  it("every structured call parses, the loop ends within its budget and reports honestly", async () => {
    const { deps, trace } = realDeps(model, workRoot, { maxTokens: MIN_AGENT_TOKENS, briefingTokens: 400 });
    const task = {
      id: `loop-llama-${process.pid}-${Date.now()}`,
      kind: "fix" as const,
      repoPath: repo,
      issue: { ...ISSUE },
    };
    const config = RunConfig.parse({
      budgets: { maxAttempts: 2, wallClockMs: WALL_CLOCK_MS, maxTokens: 200_000 },
      planCandidates: 2,
      sandbox: { image: TEST_SANDBOX_IMAGE },
    });
    const result = await runFix(task, config, deps);

    const calls = trace.modelCalls();
    expect(calls.length).toBeGreaterThanOrEqual(4);
    expect(calls.filter((call) => call.error !== undefined).map((call) => `${call.schema}: ${call.error}`)).toEqual([]);
    expect(calls.every((call) => call.parsed !== undefined && call.completionTokens > 0)).toBe(true);
    expect(result.error).toBeUndefined();
    // a story model cannot fix code: the run must say so, with a reason, and keep its best attempt
    expect(result.outcome).not.toBe("fixed");
    expect(["not-fixed", "budget-exhausted"]).toContain(result.outcome);
    expect(result.reason.length).toBeGreaterThan(20);
    expect(result.attempts.length).toBeGreaterThanOrEqual(1);
    expect(result.attempts.length).toBeLessThanOrEqual(2);
    expect(result.bestAttempt).toBeDefined();
    expect(result.usage.calls).toBe(calls.length);
    // Within its budgets: a budget that stopped it is named. (That the wall-clock budget interrupts even a model
    // call still running is shown with a faked timer in test/unit/loop/wall-clock-budget.test.ts, not measured here.)
    if (result.outcome === "budget-exhausted") {
      expect(result.reason).toMatch(
        /^Stopped because (the wall-clock budget of|the token budget of|all 2 attempts were used)/,
      );
    }
    expect(await jobContainers(task.id)).toEqual([]);
  });
});
