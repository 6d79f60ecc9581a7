import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RunConfig } from "../../../src/config/run-config.js";
import type { StructuredCall } from "../../../src/llm/chat-model.js";
import { runFix } from "../../../src/loop/run-fix.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";
import { FIX_EDIT } from "./fixtures/buggy-python-repo.js";
import { baseScript, createHarness, taskFor, useBuggyRepo } from "./run-fix-harness.js";

const fixture = useBuggyRepo();

describe("what every prompt states", () => {
  it("the configured test command, in every agent's prompt, never 'none detected'", async () => {
    const script = baseScript();
    script["tanuki-coder"] = [
      { explanation: "no-op", edits: [] },
      { explanation: "guard", edits: [FIX_EDIT] },
    ];
    const h = createHarness(script, { workRoot: fixture.workRoot });
    const config = RunConfig.parse({
      budgets: { maxAttempts: 2 },
      planCandidates: 2,
      testCommand: "python3 -m pytest -q tests --tb=line",
    });
    const result = await runFix(taskFor(fixture.repo), config, h.deps);
    expect(result.outcome).toBe("fixed");
    const agents = new Set(h.model.calls.map((call) => call.agent));
    expect([...agents].sort()).toEqual([
      "tanuki-aggregator",
      "tanuki-coder",
      "tanuki-debugger",
      "tanuki-planner",
      "tanuki-reviewer",
      "tanuki-tester",
    ]);
    for (const call of h.model.calls) {
      const text = ScriptedModel.userText(call);
      expect(text, `${call.agent}:${call.schemaName}`).toContain("python3 -m pytest -q tests --tb=line");
      expect(text, `${call.agent}:${call.schemaName}`).not.toMatch(/test command: none|None was detected|\(unknown\)/i);
    }
  });
});

describe("a file that contains the fence tag's text", () => {
  it("is shown escaped, and a SEARCH copied from the prompt still applies and writes the real text back", async () => {
    const calc = `def divide(a, b):\n    """Divide a by b. Dividing by zero returns None."""\n    # output goes to <untrusted-data> blocks\n    return a / b\n\n\ndef add(a, b):\n    return a + b\n`;
    await writeFile(join(fixture.repo, "calc.py"), calc);
    await fixture.git("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-qam", "comment");
    const script = baseScript();
    /** A model that copies the two lines around the bug from what its prompt shows. */
    script["tanuki-coder"] = (call: StructuredCall<unknown>) => {
      const text = ScriptedModel.userText({ agent: "", schemaName: "", messages: call.messages });
      const shownLine = text.split("\n").find((line) => line.includes("# output goes to"));
      if (!shownLine) throw new Error("the coder's prompt does not show the line");
      expect(shownLine).toContain("&lt;untrusted-data>");
      return {
        explanation: "guard",
        edits: [
          {
            kind: "search-replace",
            path: "calc.py",
            search: `${shownLine}\n    return a / b\n`,
            replace: `${shownLine}\n    if b == 0:\n        return None\n    return a / b\n`,
          },
        ],
      };
    };
    const h = createHarness(script, { workRoot: fixture.workRoot });
    const config = RunConfig.parse({ budgets: { maxAttempts: 1 }, planCandidates: 1 });
    const result = await runFix(taskFor(fixture.repo), config, h.deps);
    expect(result.attempts[0]?.editProblems).toEqual([]);
    expect(result.outcome).toBe("fixed");
    const fixed = await fixture.git("show", `${result.branch}:calc.py`);
    expect(fixed).toContain("    # output goes to <untrusted-data> blocks\n    if b == 0:");
    expect(fixed).not.toContain("&lt;");
  });
});

describe("a root test.py (unittest layout)", () => {
  it("is a test file the tester may write", async () => {
    const script = baseScript();
    script["tanuki-coder"] = { explanation: "guard", edits: [FIX_EDIT] };
    script["tanuki-tester"] = {
      testName: "test_zero",
      rationale: "The issue's example.",
      edits: [
        {
          kind: "write-file",
          path: "test.py",
          search: "",
          replace:
            "import unittest\nfrom calc import divide\n\n\nclass T(unittest.TestCase):\n    def test_zero(self):\n        self.assertIsNone(divide(1, 0))\n",
        },
      ],
    };
    const h = createHarness(script, { workRoot: fixture.workRoot });
    const result = await runFix(
      taskFor(fixture.repo),
      RunConfig.parse({ budgets: { maxAttempts: 1 }, planCandidates: 1 }),
      h.deps,
    );
    expect(result.attempts[0]?.editProblems).toEqual([]);
    expect(result.filesChanged).toEqual(["calc.py", "test.py"]);
  });
});
