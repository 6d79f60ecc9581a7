/**
 * A scripted engine for the long-lived entry points (`tanuki acp`, `tanuki mcp`) in test processes: scripted model,
 * fake sandbox; real git work copies, real tree-sitter explorer, real JSONL traces. `script` picks the model: `fix`
 * answers like a model that fixes the buggy Python fixture (`test/unit/loop/fixtures/buggy-python-repo.ts`: guard
 * `divide` against zero, add a test); `hang` never answers a model call until the call is cancelled, so a test can
 * cancel at a known point without timing. The fake sandbox answers `pytest -q` from the work copy's real files (as
 * in the loop's unit tests).
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { capRosterTokens, DEFAULT_ROSTER } from "../../src/agents/roster.js";
import type { RunEngine } from "../../src/cli/local-runs.js";
import { TreeSitterExplorer } from "../../src/context/tree-sitter-explorer.js";
import { CancelledError } from "../../src/core/errors.js";
import type { ChatModel, StructuredAnswer, StructuredCall } from "../../src/llm/chat-model.js";
import { JsonlTraceSink } from "../../src/report/jsonl-trace.js";
import { GitWorkspaceProvider } from "../../src/workspace/git-workspace.js";
import { FIX_EDIT } from "../unit/loop/fixtures/buggy-python-repo.js";
import { baseScript, pytestLikeRun } from "../unit/loop/run-fix-harness.js";
import { FakeSandboxProvider } from "./fake-sandbox.js";
import { ScriptedModel } from "./scripted-model.js";

/** A model that answers no call until the call's signal aborts (then throws CancelledError, as backends do). */
class HangingModel implements ChatModel {
  readonly name = "hanging-model";
  completeStructured<T>(call: StructuredCall<T>): Promise<StructuredAnswer<T>> {
    return new Promise((_resolve, reject) => {
      const cancel = () => reject(new CancelledError("model call cancelled"));
      if (call.signal?.aborted) cancel();
      call.signal?.addEventListener("abort", cancel, { once: true });
    });
  }
  async dispose(): Promise<void> {}
}

/** The scripted team of the loop's unit tests (planner, tester, reviewer, aggregator) plus a coder that fixes. */
const fixScript = { ...baseScript(), "tanuki-coder": { explanation: "Guard the divisor.", edits: [FIX_EDIT] } };

/** The engine of a test process (see the module comment). */
export async function scriptedEngine(script: string | undefined): Promise<RunEngine> {
  const model: ChatModel = script === "hang" ? new HangingModel() : new ScriptedModel(fixScript);
  const workRoot = await mkdtemp(join(tmpdir(), "tanuki-scripted-work-"));
  const explorer = new TreeSitterExplorer();
  return {
    depsFor(job) {
      const trace = new JsonlTraceSink(job.tracePath);
      return {
        deps: {
          model,
          sandboxes: new FakeSandboxProvider((request, dir) =>
            request.command.includes("pytest") ? pytestLikeRun(dir) : { exitCode: 0 },
          ),
          workspaces: new GitWorkspaceProvider(),
          explorer,
          trace,
          onEvent: job.onEvent,
          workRoot,
          roster: capRosterTokens(DEFAULT_ROSTER, 2048),
          briefingTokens: 1_500,
        },
        closeTrace: () => trace.close(),
      };
    },
    dispose: () => explorer.dispose(),
  };
}
