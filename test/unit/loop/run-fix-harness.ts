import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach } from "vitest";
import { capRosterTokens, DEFAULT_ROSTER } from "../../../src/agents/roster.js";
import { RunConfig } from "../../../src/config/run-config.js";
import { TreeSitterExplorer } from "../../../src/context/tree-sitter-explorer.js";
import type { RunEvent } from "../../../src/core/events.js";
import type { Task } from "../../../src/core/task.js";
import type { LoopDeps } from "../../../src/loop/loop-deps.js";
import { GitWorkspaceProvider } from "../../../src/workspace/git-workspace.js";
import { FakeSandboxProvider } from "../../helpers/fake-sandbox.js";
import { MemoryTrace } from "../../helpers/memory-trace.js";
import { type Script, ScriptedModel } from "../../helpers/scripted-model.js";
import { createBuggyPythonRepo, ISSUE } from "./fixtures/buggy-python-repo.js";

/**
 * What the fake sandbox "prints" for the test command, decided from the work copy's real files: the bug is fixed
 * when calc.py guards b == 0; `BROKEN` in calc.py makes everything fail; a removed zero test passes.
 */
export async function pytestLikeRun(workspaceDir: string): Promise<{ exitCode: number; stdout: string }> {
  const calc = await readFile(join(workspaceDir, "calc.py"), "utf8");
  const tests = await readFile(join(workspaceDir, "tests/test_calc.py"), "utf8").catch(() => "");
  if (calc.includes("BROKEN")) {
    return { exitCode: 1, stdout: "E   NameError: name 'BROKEN' is not defined\n3 failed in 0.03s\n" };
  }
  const zeroTest = tests.includes("test_divide_by_zero_returns_none");
  if (!zeroTest || calc.includes("if b == 0")) {
    return { exitCode: 0, stdout: `${zeroTest ? 3 : 2} passed in 0.02s\n` };
  }
  return {
    exitCode: 1,
    stdout:
      "FAILED tests/test_calc.py::test_divide_by_zero_returns_none - ZeroDivisionError: division by zero\n" +
      "1 failed, 2 passed in 0.02s\n",
  };
}

/** Standard answers for the agents whose behaviour a scenario does not vary. */
export function baseScript(): Script {
  return {
    "tanuki-planner:PlannerOutput": {
      summary: "Guard divide() against a zero divisor",
      steps: [{ files: ["calc.py"], intent: "Return None when b is 0", agent: "tanuki-coder" }],
    },
    "tanuki-planner:CritiqueOutput": {
      critiques: [
        { planIndex: 0, strengths: "small", weaknesses: "none", score: 8 },
        { planIndex: 1, strengths: "small", weaknesses: "same", score: 6 },
      ],
      chosenIndex: 0,
      reasons: "Plan 0 is the smallest correct change.",
    },
    "tanuki-tester": {
      testName: "test_zero_divisor",
      rationale: "The issue says dividing by zero returns None.",
      edits: [
        {
          kind: "write-file",
          path: "tests/test_zero.py",
          search: "",
          replace: "from calc import divide\n\n\ndef test_zero_divisor():\n    assert divide(5, 0) is None\n",
        },
      ],
    },
    "tanuki-reviewer": { verdict: "approve", summary: "Looks right.", findings: [] },
    "tanuki-debugger": {
      symptom: "The attempt failed.",
      whys: ["The change was incomplete."],
      rootCause: "RCA-ROOT-CAUSE-MARKER",
      nextAttemptAdvice: "Address the finding.",
    },
    "tanuki-aggregator": {
      title: "Return None when dividing by zero",
      summary: "divide() now returns None for b == 0.",
    },
  };
}

/** Everything a scenario needs: deps with a scripted model, the fake sandbox, a memory trace and recorded events. */
export function createHarness(script: Script, options: { now?: () => number; workRoot: string }) {
  const model = new ScriptedModel(script);
  const trace = new MemoryTrace();
  const sandboxes = new FakeSandboxProvider(async (request, dir) =>
    request.command.includes("pytest") ? pytestLikeRun(dir) : { exitCode: 0 },
  );
  const events: RunEvent[] = [];
  const deps: LoopDeps = {
    model,
    sandboxes,
    workspaces: new GitWorkspaceProvider(),
    explorer: new TreeSitterExplorer(),
    trace,
    onEvent: (event) => events.push(event),
    workRoot: options.workRoot,
    roster: capRosterTokens(DEFAULT_ROSTER, 2048),
    briefingTokens: 1_500,
    ...(options.now ? { now: options.now } : {}),
  };
  return { model, trace, sandboxes, events, deps };
}

/** A task for the buggy repository. */
export function taskFor(repo: string, overrides: Partial<Task> = {}): Task {
  return { id: "unit-task", kind: "fix", repoPath: repo, issue: { ...ISSUE }, ...overrides };
}

/** Run config with 2 plan candidates and the given budgets. */
export function configWith(budgets: { maxAttempts: number; wallClockMs?: number; maxTokens?: number }): RunConfig {
  return RunConfig.parse({ budgets, planCandidates: 2 });
}

/**
 * Registers beforeEach/afterEach hooks that create the buggy repository and a work root for each test and remove
 * both after it. Read the current ones through the returned object's fields.
 */
export function useBuggyRepo(): { repo: string; git: (...args: string[]) => Promise<string>; workRoot: string } {
  const current = { repo: "", root: "", workRoot: "", git: (..._args: string[]) => Promise.resolve("") };
  beforeEach(async () => {
    const made = await createBuggyPythonRepo();
    Object.assign(current, made, { workRoot: await mkdtemp(join(tmpdir(), "tanuki-work-root-")) });
  });
  afterEach(async () => {
    await rm(current.root, { recursive: true, force: true });
    await rm(current.workRoot, { recursive: true, force: true });
  });
  return current;
}
