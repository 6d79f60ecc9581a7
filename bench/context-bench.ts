/**
 * Prompt sizes per agent and model calls per fixed run, on the large-file fixture (a bug in the middle of a
 * 3,000-line module) and on the small buggy repository, driven by the perfect model from each fixture's patch
 * (test/helpers/patch-model.ts) with a fake sandbox: no model weights, no Docker. Contexts: 8,192 tokens (what
 * `tanuki serve` gives by default) and 32,768.
 *
 * `baselineBeforeFocus` holds the same measurement made once on the tree before focused context landed (prompts
 * were whole files cut in the middle to fit; the perfect model's SEARCH check had to be off, since the coder's prompt
 * did not show the function): it is a recorded number, not re-measured.
 *
 * Runnable alone: `npx tsx bench/context-bench.ts`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunConfig } from "../src/config/run-config.js";
import { TreeSitterExplorer } from "../src/context/tree-sitter-explorer.js";
import { runFix } from "../src/loop/run-fix.js";
import { GitWorkspaceProvider } from "../src/workspace/git-workspace.js";
import { createLargeFileRepo, LARGE_FILE_ISSUE, largeFileTestRun } from "../test/fixtures/large-file-repo.js";
import { FakeSandboxProvider } from "../test/helpers/fake-sandbox.js";
import { MemoryTrace } from "../test/helpers/memory-trace.js";
import { createPatchModel } from "../test/helpers/patch-model.js";
import type { ScriptedModel } from "../test/helpers/scripted-model.js";

/**
 * Measured on the tree before focused context (commit e47f93c), large-file fixture, same bench code: characters of
 * the largest prompt per agent, and whether the coder's prompt showed the buggy function.
 */
const BASELINE_BEFORE_FOCUS = {
  commit: "e47f93c",
  note: "this bench run on that tree with --no-search-check: the run 'fixes' only because the perfect model edits blind",
  context8k: {
    modelCalls: 7,
    promptChars: 76_748,
    coderSawFunction: false,
    maxPromptChars: { planner: 11_385, coder: 18_550, tester: 18_558, reviewer: 3_223, aggregator: 2_840 },
  },
  context32k: {
    modelCalls: 7,
    promptChars: 248_353,
    coderSawFunction: false,
    maxPromptChars: { planner: 13_594, coder: 93_256, tester: 108_830, reviewer: 3_223, aggregator: 2_840 },
  },
};

/** Per agent: calls, all prompt characters, largest prompt (from the calls the model recorded). */
function promptsOf(
  model: ScriptedModel,
): Record<string, { calls: number; promptChars: number; maxPromptChars: number }> {
  const byAgent: Record<string, { calls: number; promptChars: number; maxPromptChars: number }> = {};
  for (const call of model.calls) {
    const chars = call.messages.reduce((sum, message) => sum + message.content.length, 0);
    const entry = byAgent[call.agent] ?? { calls: 0, promptChars: 0, maxPromptChars: 0 };
    byAgent[call.agent] = {
      calls: entry.calls + 1,
      promptChars: entry.promptChars + chars,
      maxPromptChars: Math.max(entry.maxPromptChars, chars),
    };
  }
  return byAgent;
}

/** One fixed run of the large-file fixture at `contextSize`. */
export async function measureLargeFile(contextSize: number, strict = true): Promise<Record<string, unknown>> {
  const fixture = await createLargeFileRepo();
  const workRoot = await mkdtemp(join(tmpdir(), "tanuki-context-bench-"));
  const { model } = createPatchModel(fixture.patch, {
    readBase: fixture.readBase,
    contextSize,
    requireSearchInPrompt: strict,
  });
  const explorer = new TreeSitterExplorer();
  try {
    const result = await runFix(
      { id: `context-bench-${contextSize}`, kind: "fix", repoPath: fixture.repo, issue: { ...LARGE_FILE_ISSUE } },
      RunConfig.parse({ budgets: { maxAttempts: 2 }, planCandidates: 2 }),
      {
        model,
        sandboxes: new FakeSandboxProvider(async (request, dir) =>
          request.command.includes("pytest") ? largeFileTestRun(dir) : { exitCode: 0 },
        ),
        workspaces: new GitWorkspaceProvider(),
        explorer,
        trace: new MemoryTrace(),
        workRoot,
      },
    );
    const coderPrompt = model
      .callsFor("tanuki-coder")
      .map((call) => call.messages.map((message) => message.content).join("\n"))
      .join("\n");
    return {
      outcome: result.outcome,
      attempts: result.attempts.length,
      modelCalls: model.calls.length,
      promptChars: Object.values(promptsOf(model)).reduce((sum, agent) => sum + agent.promptChars, 0),
      coderSawFunction: coderPrompt.includes("def parse_header(line):"),
      byAgent: promptsOf(model),
    };
  } finally {
    await explorer.dispose();
    await rm(fixture.root, { recursive: true, force: true });
    await rm(workRoot, { recursive: true, force: true });
  }
}

/** The benchmark: both contexts, and the recorded baseline beside them. */
export async function benchContext(): Promise<Record<string, unknown>> {
  return {
    description:
      "large-file fixture (bug in the middle of a 3,000-line module), perfect model from the fixture's patch, fake " +
      "sandbox: prompt characters per agent (all calls and largest) and model calls per fixed run",
    context8k: await measureLargeFile(8_192),
    context32k: await measureLargeFile(32_768),
    baselineBeforeFocus: BASELINE_BEFORE_FOCUS,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const strict = !process.argv.includes("--no-search-check");
  const contexts = [8_192, 32_768];
  const out: Record<string, unknown> = {};
  for (const size of contexts) out[`context${size / 1024}k`] = await measureLargeFile(size, strict);
  console.log(JSON.stringify(out, null, 2));
}
