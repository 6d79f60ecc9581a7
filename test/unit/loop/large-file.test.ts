import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runFix } from "../../../src/loop/run-fix.js";
import { createLargeFileRepo, LARGE_FILE_ISSUE, largeFileTestRun } from "../../fixtures/large-file-repo.js";
import { FakeSandboxProvider } from "../../helpers/fake-sandbox.js";
import { createPatchModel } from "../../helpers/patch-model.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";
import { configWith, createHarness } from "./run-fix-harness.js";

let fixture: Awaited<ReturnType<typeof createLargeFileRepo>>;
let workRoot: string;

beforeEach(async () => {
  fixture = await createLargeFileRepo();
  workRoot = await mkdtemp(join(tmpdir(), "tanuki-large-work-"));
});
afterEach(async () => {
  await rm(fixture.root, { recursive: true, force: true });
  await rm(workRoot, { recursive: true, force: true });
});

/** Tokens of `tanuki serve`'s default context. */
const CONTEXT = 8_192;

/** Loop deps with the default roster and briefing (fitted to the model's context) and a pytest-like fake sandbox. */
function depsFor(model: ScriptedModel) {
  const h = createHarness({}, { workRoot });
  return {
    ...h.deps,
    model,
    sandboxes: new FakeSandboxProvider(async (request, dir) =>
      request.command.includes("pytest") ? largeFileTestRun(dir) : { exitCode: 0 },
    ),
    roster: undefined,
    briefingTokens: undefined,
  };
}

describe("focused context on a 3,000-line file at an 8k context", () => {
  it("shows the coder the buggy function in the middle of the file, and the run is fixed", async () => {
    // Strict: the perfect model throws when the SEARCH it must copy is not in the coder's prompt.
    const { model } = createPatchModel(fixture.patch, { readBase: fixture.readBase, contextSize: CONTEXT });
    const deps = depsFor(model);
    const task = { id: "large", kind: "fix" as const, repoPath: fixture.repo, issue: { ...LARGE_FILE_ISSUE } };
    const result = await runFix(task, configWith({ maxAttempts: 2 }), deps);

    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe("fixed");
    const coder = model.callsFor("tanuki-coder")[0];
    const prompt = ScriptedModel.userText(coder as never);
    expect(prompt).toContain("def parse_header(line):");
    expect(prompt).toContain('    parts = line.split(":")\n');
    expect(prompt).toMatch(
      /### records\/parsing\.py \(3000 lines; shown: lines [\d, -]+; ask for other lines with `read`\)/,
    );
    expect(prompt).not.toMatch(/characters left out|lines left out here/);

    // Every prompt fits the context with the agent's answer cap, and run.json reports prompt sizes per agent.
    for (const call of model.calls) {
      const chars = call.messages.reduce((sum, m) => sum + m.content.length, 0);
      expect(Math.ceil(chars / 4) + (call.maxTokens ?? 0)).toBeLessThanOrEqual(CONTEXT);
    }
    const byAgent = result.usage.byAgent;
    expect(byAgent["tanuki-coder"]?.maxPromptChars).toBeGreaterThan(0);
    expect(byAgent["tanuki-tester"]?.maxPromptChars).toBeLessThan(CONTEXT * 4);
    expect(result.usage.promptChars).toBe(
      Object.values(byAgent).reduce((sum, usage) => sum + (usage.promptChars ?? 0), 0),
    );
  });

  it("the coder can ask for other lines with `read` and sees them in its next call", async () => {
    const { model, script } = createPatchModel(fixture.patch, { readBase: fixture.readBase, contextSize: CONTEXT });
    const perfect = script.CoderOutput as (call: never, index: number) => unknown;
    script.CoderOutput = (call: never, index: number) =>
      index === 0
        ? {
            explanation: "Need the end of the file first.",
            edits: [],
            read: [{ path: "records/parsing.py", startLine: 2950, endLine: 2960 }],
            more: false,
          }
        : perfect(call, index);
    const deps = depsFor(model);
    const task = { id: "large-read", kind: "fix" as const, repoPath: fixture.repo, issue: { ...LARGE_FILE_ISSUE } };
    const result = await runFix(task, configWith({ maxAttempts: 1 }), deps);

    expect(result.outcome).toBe("fixed");
    const calls = model.callsFor("tanuki-coder");
    expect(calls).toHaveLength(2);
    expect(ScriptedModel.userText(calls[0] as never)).not.toContain("lines 2950-2960");
    expect(ScriptedModel.userText(calls[1] as never)).toMatch(/label="file records\/parsing\.py lines \d+-\d+"/);
    expect(ScriptedModel.userText(calls[1] as never)).toMatch(/shown: lines [^)]*29[5-6]\d/);
  });
});
