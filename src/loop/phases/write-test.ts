import { AGENT_IDS } from "../../agents/roster.js";
import type { FollowUp } from "../../agents/shared/edit-schema.js";
import { isInvalidAnswer } from "../../agents/shared/invalid-answer-error.js";
import type { FileText } from "../../agents/shared/prompt-parts.js";
import { runAgent } from "../../agents/shared/run-agent.js";
import { restoreShownText } from "../../agents/shared/shown-text.js";
import { TEST_TASK } from "../../agents/tester/test-task.js";
import { mergeHints } from "../../context/focus-hints.js";
import type { Edit } from "../../core/edit.js";
import { isTestFile } from "../../testing/test-files.js";
import { fitAgentPrompt, readFiles, readHints, runHints, withSymbols } from "../briefing.js";
import type { RunContext } from "../run-context.js";
import { issueText, type RunState } from "../run-state.js";
import { applyEdits, editProblems } from "./apply.js";
import { MAX_CALLS_PER_STEP } from "./code.js";

/** What the tester did in one attempt. */
export interface TesterOutcome {
  edits: Edit[];
  problems: string[];
  /** True when at least one edit to a test file applied. */
  applied: boolean;
}

/**
 * Files the tester sees: test files it asked for or wrote (current content: its own, never the coder's change),
 * then the base-commit files it was given. Source files outside the originals are not shown, so the test stays
 * anchored to the issue and not to the new code.
 */
async function readable(
  ctx: RunContext,
  state: RunState,
  requests: FollowUp["read"],
  written: ReadonlySet<string>,
): Promise<FileText[]> {
  const tests = [...requests.map((request) => request.path), ...written].filter((path) => isTestFile(path));
  const current = await readFiles(ctx, state, [...new Set(tests)], () => {});
  const replaced = new Set(current.map((file) => file.path));
  return [...current, ...state.originals.filter((file) => !replaced.has(file.path))];
}

/**
 * The tester writes or updates a test from the issue's wording. Spec-anchored: it sees the issue and the base
 * commit's files (`state.originals`: whole when they fit, else focused windows), never the coder's diff. Only
 * edits to test files are applied; others are refused and reported. Like the coder it may ask to `read` more lines
 * and send its edits over several calls (`more`); edits that do not apply get one repair round. No valid answer
 * (twice: see `runAgent`) is reported as a problem: no test is added in this attempt.
 */
export async function writeTestPhase(ctx: RunContext, state: RunState): Promise<TesterOutcome> {
  const tester = ctx.agent(AGENT_IDS.tester);
  const facts = state.facts;
  const edits: Edit[] = [];
  let problems: string[] = [];
  let applied = false;
  let reads: FollowUp["read"] = [];
  let repairs = 0;
  const written = new Set<string>();
  const plan = state.plan?.candidates[state.plan.chosenIndex];
  for (let call = 0; call < MAX_CALLS_PER_STEP; call += 1) {
    const shown = await readable(ctx, state, reads, written);
    const hints = mergeHints(
      readHints(reads),
      runHints(ctx, state, plan ? [plan.summary, ...plan.steps.map((step) => step.intent)] : []),
    );
    const base = {
      issue: issueText(ctx.task),
      language: facts?.language ?? "unknown",
      ...(state.testCommand ? { testCommand: state.testCommand } : {}),
      ...(facts?.testDir ? { testDir: facts.testDir } : {}),
      testFiles: facts?.testFiles ?? [],
      editProblems: problems,
    };
    const parts = await fitAgentPrompt(ctx, state, tester, (p) => TEST_TASK.messages(tester, { ...base, ...p }), {
      list: await withSymbols(ctx, state, shown),
      hints,
      title: "## Original files (before any change)",
      exclude: shown.map((file) => file.path),
      briefingFiles: [],
    });
    const answer = await runAgent(ctx.model, tester, TEST_TASK, { ...base, ...parts }, ctx.signal).catch(
      (error: unknown) => {
        if (!isInvalidAnswer(error)) throw error;
        return error;
      },
    );
    if (isInvalidAnswer(answer)) {
      problems = [`${tester.id} gave no valid answer: ${answer.message}`];
      break;
    }
    const contents = new Map(shown.map((file) => [file.path, file.content]));
    const answered = restoreShownText(answer.value.edits, (path) => contents.get(path));
    edits.push(...answered);
    const allowed = answered.filter((edit) => isTestFile(edit.path));
    const refused = answered
      .filter((edit) => !isTestFile(edit.path))
      .map((edit) => `${edit.path}: refused: the tester may edit test files only`);
    const report = await applyEdits(ctx, state, allowed, tester.id);
    for (const outcome of report.outcomes) if (outcome.status === "applied") written.add(outcome.edit.path);
    applied ||= written.size > 0;
    problems = [...refused, ...editProblems(report)];
    reads = answer.value.followUp.read;
    if (reads.length > 0 || answer.value.followUp.more) continue;
    if (problems.length > 0 && repairs < 1) {
      repairs += 1;
      continue;
    }
    break;
  }
  return { edits, problems, applied };
}
