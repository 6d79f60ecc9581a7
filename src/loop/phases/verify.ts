import type { Proof, ProofRuns } from "../../core/proof.js";
import type { TestReport } from "../../core/test-report.js";
import { parseUnifiedDiff } from "../../diff/unified-diff.js";
import { proveChange } from "../../testing/prove-change.js";
import { testSectionChanged } from "../../testing/test-config-sections.js";
import { isTestConfigFile, isTestFile, MIXED_TEST_CONFIG_FILES } from "../../testing/test-files.js";
import type { RunContext } from "../run-context.js";
import { type RunState, requireWorkspace } from "../run-state.js";
import { runTests } from "./test.js";

/** How a change touches the tests, from its diff against the base. */
export interface TestChanges {
  /** Test configuration to run as it is on the base: config files the change adds, edits or deletes, and root
   * manifests whose test section it edits. */
  config: string[];
  /** Root manifests (package.json, pyproject.toml, …) whose test section the change edits. */
  testSectionEdits: string[];
  /** Pre-existing test files the change edits or deletes. */
  editedTests: string[];
  /** Test files the change adds or edits (as they are with the change): the new or changed tests. */
  changedTests: string[];
}

/**
 * Sorts the files of `diff` by what they are to the tests (see {@link TestChanges}). Root manifests are compared
 * with their base content from `state.baseManifests`.
 */
export async function classifyTestChanges(ctx: RunContext, state: RunState, diff: string): Promise<TestChanges> {
  const workspace = requireWorkspace(state);
  const changes: TestChanges = { config: [], testSectionEdits: [], editedTests: [], changedTests: [] };
  for (const file of parseUnifiedDiff(diff)) {
    const path = file.newPath ?? file.oldPath;
    if (!path) continue;
    if (isTestConfigFile(path)) {
      changes.config.push(path);
      continue;
    }
    if (MIXED_TEST_CONFIG_FILES.includes(path)) {
      const now = file.deleted ? undefined : await workspace.readFile(path).catch(() => undefined);
      if (testSectionChanged(path, state.baseManifests[path], now)) {
        changes.config.push(path);
        changes.testSectionEdits.push(path);
      }
      continue;
    }
    if (!isTestFile(path)) continue;
    if (!file.added) changes.editedTests.push(path);
    if (!file.deleted) changes.changedTests.push(path);
  }
  ctx.world.addNote(
    `test changes: ${changes.changedTests.length} test file(s) added or edited, ${changes.editedTests.length} pre-existing edited or deleted, ${changes.config.length} test configuration file(s) touched`,
  );
  return changes;
}

/** The verification of one attempt. */
export interface Verification {
  /** The change's run (pre-existing test configuration as on the base): what the attempt reports as its tests. */
  tests: TestReport;
  proof: Proof;
  changes: TestChanges;
  /** Test runs this verification made (1 to 3). */
  testRuns: number;
}

/**
 * Verifies an attempt's state with fail-before / pass-after proof (see `proveChange`), always with the base
 * commit's test configuration:
 * 1. the change, with every test configuration file (and test section of a root manifest) as on the base;
 * 2. when the change edits or deletes pre-existing test files: the same with those files as on the base, which
 *    decides whether every pre-existing test that passed still passes;
 * 3. when the change adds or edits tests: the base commit's code with the change's test files, which decides
 *    whether the new tests reproduce the issue (fail on the base).
 * The work copy is back at the attempt's state (`snapshot`) afterwards, whatever happened.
 *
 * @param snapshot  the attempt's state, committed (the verification trees are made from it and the base)
 */
export async function verifyPhase(
  ctx: RunContext,
  state: RunState,
  attempt: number,
  diff: string,
  snapshot: string,
): Promise<Verification | undefined> {
  const command = state.testCommand;
  const before = state.before;
  if (!command || !before) return undefined;
  const workspace = requireWorkspace(state);
  const changes = await classifyTestChanges(ctx, state, diff);
  const git = (op: string, fn: () => Promise<void>) => ctx.tool("git", { op }, fn, () => ({ output: {} }));
  try {
    if (changes.config.length > 0) {
      await git("base test configuration", () => workspace.checkoutPaths(workspace.baseSha, changes.config));
    }
    const runs: ProofRuns = { withChange: await runTests(ctx, state, command, "after", attempt) };
    let testRuns = 1;
    if (changes.editedTests.length > 0) {
      await git("base versions of edited tests", () => workspace.checkoutPaths(workspace.baseSha, changes.editedTests));
      runs.preExisting = await runTests(ctx, state, command, "after", attempt, `attempt ${attempt} pre-existing tests`);
      testRuns += 1;
    }
    if (changes.changedTests.length > 0) {
      await git("base code with the new tests", async () => {
        await workspace.restore(workspace.baseSha);
        await workspace.checkoutPaths(snapshot, changes.changedTests);
      });
      runs.newTestsOnBase = await runTests(
        ctx,
        state,
        command,
        "after",
        attempt,
        `attempt ${attempt} new tests on base`,
      );
      testRuns += 1;
    }
    const proof = proveChange(before, runs);
    ctx.world.addNote(
      `attempt ${attempt} proof (${proof.mode}): ${proof.proven ? "proven" : `not proven: ${proof.problems.join("; ")}`}`,
    );
    return { tests: runs.withChange, proof, changes, testRuns };
  } finally {
    await git("restore attempt", () => workspace.restore(snapshot));
  }
}
