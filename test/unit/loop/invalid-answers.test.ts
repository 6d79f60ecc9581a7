import { describe, expect, it } from "vitest";
import { runFix } from "../../../src/loop/run-fix.js";
import { FIX_EDIT } from "./fixtures/buggy-python-repo.js";
import { baseScript, configWith, createHarness, taskFor, useBuggyRepo } from "./run-fix-harness.js";

const fixture = useBuggyRepo();

/** What a server that does not enforce maxLength in JSON-schema mode sends: valid JSON, too long a field. */
const overlong = { explanation: "x".repeat(50_000), edits: [] };

describe("invalid answers (schema-invalid JSON from the model)", () => {
  it("are retried once with the errors; twice invalid counts the attempt as failed and the loop goes on", async () => {
    const script = baseScript();
    script["tanuki-coder"] = [overlong, overlong, { explanation: "guard", edits: [FIX_EDIT] }];
    const h = createHarness(script, { workRoot: fixture.workRoot });
    const result = await runFix(taskFor(fixture.repo), configWith({ maxAttempts: 3 }), h.deps);

    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe("fixed");
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts[0]?.failureReason).toMatch(/no valid answer/);
    expect(result.attempts[0]?.editProblems.join("\n")).toMatch(/tanuki-coder gave no valid answer/);
    const coderCalls = h.model.callsFor("tanuki-coder");
    expect(coderCalls).toHaveLength(3);
    expect(coderCalls[1]?.messages.at(-1)?.content).toContain("Your previous answer to this prompt was not used");
    expect(result.rcas).toHaveLength(1);
  });

  it("a repaired answer is used in the same attempt", async () => {
    const script = baseScript();
    script["tanuki-coder"] = [overlong, { explanation: "guard", edits: [FIX_EDIT] }];
    const h = createHarness(script, { workRoot: fixture.workRoot });
    const result = await runFix(taskFor(fixture.repo), configWith({ maxAttempts: 2 }), h.deps);
    expect(result.outcome).toBe("fixed");
    expect(result.attempts).toHaveLength(1);
    expect(h.model.callsFor("tanuki-coder")).toHaveLength(2);
  });

  it("an invalid review makes the change unreviewed (blocking), never a crash", async () => {
    const script = baseScript();
    script["tanuki-coder"] = { explanation: "guard", edits: [FIX_EDIT] };
    script["tanuki-reviewer"] = [
      { verdict: "maybe" },
      { verdict: "maybe" },
      { verdict: "approve", summary: "ok", findings: [] },
    ];
    const h = createHarness(script, { workRoot: fixture.workRoot });
    const result = await runFix(taskFor(fixture.repo), configWith({ maxAttempts: 1 }), h.deps);
    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe("budget-exhausted");
    expect(result.findings).toEqual([
      expect.objectContaining({
        severity: "blocking",
        file: "calc.py",
        explanation: expect.stringMatching(/could not be reviewed/),
      }),
    ]);
  });

  it("every planner candidate invalid: the loop goes on with a plan on the files the issue names", async () => {
    const script = baseScript();
    script["tanuki-planner:PlannerOutput"] = { summary: "s", steps: [] };
    script["tanuki-coder"] = { explanation: "guard", edits: [FIX_EDIT] };
    const h = createHarness(script, { workRoot: fixture.workRoot });
    const result = await runFix(taskFor(fixture.repo), configWith({ maxAttempts: 1 }), h.deps);
    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe("fixed");
    expect(result.plan?.candidates[0]?.steps[0]?.files).toEqual(["calc.py"]);
    expect(h.model.callsFor("tanuki-planner", "CritiqueOutput")).toHaveLength(0);
  });
});
