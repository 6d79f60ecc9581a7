import { describe, expect, it } from "vitest";
import { RunConfig } from "../../../src/config/run-config.js";
import { isTanukiError } from "../../../src/core/errors.js";
import type { RunEvent } from "../../../src/core/events.js";
import { analyzeFailure, failureRepairTask, MAX_ANALYSED_LOG_CHARS } from "../../../src/loop/analyze-failure.js";
import { MemoryTrace } from "../../helpers/memory-trace.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";
import { baseScript } from "./run-fix-harness.js";

const config = RunConfig.parse({});

describe("analyzeFailure", () => {
  it("asks the debugger about the log's tail only, traces the call and reports the rca phase, with no repository", async () => {
    const model = new ScriptedModel(baseScript());
    const trace = new MemoryTrace();
    const events: RunEvent[] = [];
    const log = `${"x".repeat(MAX_ANALYSED_LOG_CHARS)}HEAD-OF-LOG-DROPPED\n${"noise\n".repeat(3_000)}E AssertionError: 3 != 4\n`;

    const result = await analyzeFailure({ id: "job-1", checkName: "ci / test", log }, config, {
      model,
      trace,
      onEvent: (e) => events.push(e),
    });

    expect(result.rca.rootCause).toBe("RCA-ROOT-CAUSE-MARKER");
    const prompt = ScriptedModel.userText(model.callsFor("tanuki-debugger")[0] ?? expect.fail("no debugger call"));
    expect(prompt).toContain("AssertionError: 3 != 4");
    expect(prompt).not.toContain("HEAD-OF-LOG-DROPPED");
    expect(trace.modelCalls("tanuki-debugger")).toHaveLength(1);
    expect(trace.toolCalls()).toEqual([]);
    expect(events).toContainEqual(expect.objectContaining({ type: "phase", phase: "rca" }));
    expect(result.usage.calls).toBe(1);
  });

  it("is cancelled by its signal before the model is asked", async () => {
    const model = new ScriptedModel(baseScript());
    const controller = new AbortController();
    controller.abort(new Error("user cancelled"));
    const error = await analyzeFailure(
      { id: "job-2", checkName: "ci", log: "E boom\n" },
      config,
      { model, trace: new MemoryTrace() },
      controller.signal,
    ).catch((e: unknown) => e);
    expect(isTanukiError(error, "cancelled")).toBe(true);
    expect(model.callsFor("tanuki-debugger")).toEqual([]);
  });
});

describe("failureRepairTask", () => {
  it("puts the analysis and the log's tail into the task once, and the advice into its instructions", () => {
    const task = failureRepairTask(
      {
        id: "acme/widgets#7-check",
        kind: "fix",
        repoPath: "/tmp/x",
        issue: { title: "Failing check: ci / test", body: "" },
        instructions: "keep the API",
      },
      {
        checkName: "ci / test",
        log: `${"a".repeat(10_000)}\nE AssertionError\n`,
        rca: {
          symptom: "SYMPTOM",
          whys: ["WHY-1", "WHY-2"],
          rootCause: "ROOT-CAUSE",
          nextAttemptAdvice: "ADVICE",
          attempt: 1,
        },
      },
    );
    const text = `${task.issue.body}\n${task.instructions}`;
    for (const part of ["SYMPTOM", "WHY-1", "WHY-2", "ROOT-CAUSE", "ADVICE", "E AssertionError"]) {
      expect(text.split(part)).toHaveLength(2);
    }
    expect(task.instructions).toBe("keep the API\nADVICE");
    expect(task.issue.body.length).toBeLessThan(4_300);
  });
});
