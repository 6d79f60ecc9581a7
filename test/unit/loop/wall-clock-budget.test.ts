import { afterEach, expect, it, vi } from "vitest";
import { CancelledError } from "../../../src/core/errors.js";
import type { StructuredAnswer, StructuredCall } from "../../../src/llm/chat-model.js";
import { runFix } from "../../../src/loop/run-fix.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";
import { baseScript, configWith, createHarness, taskFor, useBuggyRepo } from "./run-fix-harness.js";

const env = useBuggyRepo();
afterEach(() => {
  vi.useRealTimers();
});

/** A scripted model whose planner call never answers: it ends only when its signal aborts. */
class HangingPlannerModel extends ScriptedModel {
  /** Resolves when the planner call has started. */
  readonly plannerStarted: Promise<void>;
  private started!: () => void;

  constructor() {
    super(baseScript());
    this.plannerStarted = new Promise((resolve) => {
      this.started = resolve;
    });
  }

  override completeStructured<T>(call: StructuredCall<T>): Promise<StructuredAnswer<T>> {
    if (call.agent !== "tanuki-planner") return super.completeStructured(call);
    this.calls.push({ agent: call.agent, schemaName: call.schemaName, messages: [...call.messages] });
    this.started();
    return new Promise((_, reject) => {
      const cancel = () => reject(new CancelledError("model call cancelled", { cause: call.signal?.reason }));
      if (call.signal?.aborted) cancel();
      else call.signal?.addEventListener("abort", cancel, { once: true });
    });
  }
}

it("interrupts a model call still running when the wall-clock budget runs out (the run's timer, faked)", async () => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  const model = new HangingPlannerModel();
  const h = createHarness({}, { workRoot: env.workRoot });
  const pending = runFix(taskFor(env.repo), configWith({ maxAttempts: 3, wallClockMs: 60_000 }), { ...h.deps, model });
  let settled = false;
  void pending.finally(() => {
    settled = true;
  });
  await model.plannerStarted;
  await vi.advanceTimersByTimeAsync(59_999);
  expect(settled).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  const result = await pending;
  expect(result.outcome).toBe("budget-exhausted");
  expect(result.reason).toMatch(/wall-clock budget of 60 s ran out/);
  expect(model.callsFor("tanuki-planner")).toHaveLength(1);
  expect(model.callsFor("tanuki-coder")).toHaveLength(0);
  expect(h.sandboxes.created[0]?.disposed).toBe(true);
});
