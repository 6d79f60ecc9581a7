import { describe, expect, it } from "vitest";
import { ModelError } from "../../../src/core/errors.js";
import { ContextOverflowError } from "../../../src/llm/context-overflow-error.js";
import { contextTooSmallReason } from "../../../src/loop/context-too-small.js";
import { runFix } from "../../../src/loop/run-fix.js";
import { baseScript, configWith, createHarness, taskFor, useBuggyRepo } from "./run-fix-harness.js";

const overflow = () =>
  new ContextOverflowError("PlannerOutput", { promptTokens: 1322, maxTokens: 819, contextSize: 2048 });
const EXPECTED =
  "The model's context is too small for the plan phase: the prompt of PlannerOutput is 1322 tokens and its answer " +
  "may take 819 more (2141 in all), but tiny.gguf has a context of 2048 tokens. Use a model with a larger context " +
  "window (--model <file.gguf> or TANUKI_MODEL; Tanuki uses up to 8,192 tokens of a model's context).";

describe("contextTooSmallReason", () => {
  it("names the phase, the call, the tokens against the context and what to do", () => {
    expect(contextTooSmallReason(overflow(), { phase: "plan", modelName: "tiny.gguf" })).toBe(EXPECTED);
  });

  it("finds the overflow as the cause of another error, and says 'a model call' without a phase", () => {
    const wrapped = new ModelError("planner failed", { cause: overflow() });
    expect(contextTooSmallReason(wrapped, { modelName: "tiny.gguf" })).toMatch(
      /^The model's context is too small for a model call: the prompt of PlannerOutput is 1322 tokens/,
    );
  });

  it("leaves other errors alone", () => {
    expect(contextTooSmallReason(new ModelError("boom"), { phase: "plan", modelName: "m" })).toBeUndefined();
    expect(contextTooSmallReason("boom", { modelName: "m" })).toBeUndefined();
  });
});

describe("runFix when the planner's prompt does not fit the model's context", () => {
  const env = useBuggyRepo();

  it("ends with outcome error and the clear reason instead of 'The run crashed'", async () => {
    const script = baseScript();
    script["tanuki-planner:PlannerOutput"] = () => {
      throw overflow();
    };
    const h = createHarness(script, { workRoot: env.workRoot });
    const result = await runFix(taskFor(env.repo), configWith({ maxAttempts: 2 }), h.deps);
    expect(result.outcome).toBe("error");
    expect(result.reason).toBe(EXPECTED.replace("tiny.gguf", "scripted-model"));
    expect(result.error?.code).toBe("model");
    expect(h.model.callsFor("tanuki-coder")).toHaveLength(0);
  });
});
