import { describe, expect, it } from "vitest";
import { PLAN_TASK } from "../../../src/agents/planner/plan-task.js";
import { rosterProblems } from "../../../src/agents/registry.js";
import { REVIEW_TASK } from "../../../src/agents/reviewer/review-task.js";
import { AGENT_IDS, DEFAULT_ROSTER, getRosterEntry } from "../../../src/agents/roster.js";
import { fitRosterToContext } from "../../../src/agents/shared/fit-to-context.js";
import { InvalidAnswerError } from "../../../src/agents/shared/invalid-answer-error.js";
import { runAgent } from "../../../src/agents/shared/run-agent.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";

const reviewer = getRosterEntry(DEFAULT_ROSTER, AGENT_IDS.reviewer);
const input = { issue: { title: "t", body: "b" }, diff: "+++ b/a.py\n+x\n" };
const valid = { verdict: "approve", summary: "fine", findings: [] };
/** An answer a server that ignores maxLength could send: the summary is far over its limit. */
const tooLong = { verdict: "approve", summary: "x".repeat(100_000), findings: [] };

describe("runAgent", () => {
  it("returns the task's value from one call when the answer is valid", async () => {
    const model = new ScriptedModel({ ReviewerOutput: valid });
    const result = await runAgent(model, reviewer, REVIEW_TASK, input);
    expect(result.value).toEqual({ verdict: "approve", findings: [], summary: "fine" });
    expect(result.calls).toBe(1);
    expect(result.promptChars).toBeGreaterThan(100);
  });

  it("retries a schema-invalid answer once, showing the validation errors, and takes the repaired answer", async () => {
    const model = new ScriptedModel({ ReviewerOutput: [tooLong, valid] });
    const result = await runAgent(model, reviewer, REVIEW_TASK, input);
    expect(result.calls).toBe(2);
    expect(result.value.summary).toBe("fine");
    const [first, second] = model.calls.map((call) => ScriptedModel.userText(call));
    expect(first).not.toContain("Your previous answer");
    expect(second).toContain("Your previous answer to this prompt was not used");
    expect(second).toMatch(/summary/);
    // the repair goes into the last user message: no two user turns in a row
    expect(model.calls[1]?.messages.map((m) => m.role)).toEqual(["system", "user"]);
  });

  it("gives up after the repair call with InvalidAnswerError naming both problems", async () => {
    const model = new ScriptedModel({ ReviewerOutput: [tooLong, { verdict: "maybe" }] });
    const error = await runAgent(model, reviewer, REVIEW_TASK, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidAnswerError);
    expect((error as InvalidAnswerError).problems).toHaveLength(2);
    expect(model.calls).toHaveLength(2);
  });

  it("does not retry a backend failure", async () => {
    const model = new ScriptedModel({
      ReviewerOutput: () => {
        throw new Error("connection refused");
      },
    });
    await expect(runAgent(model, reviewer, REVIEW_TASK, input)).rejects.toThrow("connection refused");
    expect(model.calls).toHaveLength(1);
  });

  it("refuses a task the entry's outputSchemaName and role do not allow (a programming error)", async () => {
    const model = new ScriptedModel({});
    const planInput = {
      issue: { title: "t", body: "b" },
      briefing: "",
      agents: [],
      candidateIndex: 0,
      earlierSummaries: [],
    };
    await expect(runAgent(model, reviewer, PLAN_TASK, planInput)).rejects.toThrow(/cannot answer PlannerOutput/);
  });
});

describe("role registry", () => {
  it("knows the task of every default roster entry", () => {
    expect(rosterProblems(DEFAULT_ROSTER)).toEqual([]);
  });

  it("refuses a roster whose entry names an unknown output schema or repeats an id", () => {
    const broken = [...DEFAULT_ROSTER, { ...reviewer, outputSchemaName: "ReviewOutput" }];
    expect(rosterProblems(broken)).toEqual([
      "tanuki-reviewer: the id is used twice",
      expect.stringContaining('outputSchemaName "ReviewOutput" is not one of'),
    ]);
    expect(() => fitRosterToContext(broken, 8192)).toThrow(/roster is unusable/);
  });
});
