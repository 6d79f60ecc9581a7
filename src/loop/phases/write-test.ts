import { AGENT_IDS } from "../../agents/roster.js";
import { isInvalidAnswer } from "../../agents/shared/invalid-answer-error.js";
import { runAgent } from "../../agents/shared/run-agent.js";
import { TEST_TASK } from "../../agents/tester/test-task.js";
import type { Edit } from "../../core/edit.js";
import { briefFor } from "../briefing.js";
import type { RunContext } from "../run-context.js";
import { issueText, type RunState } from "../run-state.js";
import { isTestFile } from "../test-files.js";
import { applyEdits, editProblems } from "./apply.js";

/** What the tester did in one attempt. */
export interface TesterOutcome {
  edits: Edit[];
  problems: string[];
  /** True when at least one edit to a test file applied. */
  applied: boolean;
}

/**
 * The tester writes or updates a test from the issue's wording. Spec-anchored: it sees the issue and the base
 * commit's files (`state.originals`), never the coder's diff. Only edits to test files are applied; others are
 * refused and reported. Edits that do not apply get one repair round. No valid answer (twice: see `runAgent`) is
 * reported as a problem: no test is added in this attempt.
 */
export async function writeTestPhase(ctx: RunContext, state: RunState): Promise<TesterOutcome> {
  const tester = ctx.agent(AGENT_IDS.tester);
  const facts = state.facts;
  const briefing = await briefFor(ctx, state, state.originals);
  const edits: Edit[] = [];
  let problems: string[] = [];
  let applied = false;
  for (let round = 0; round < 2; round += 1) {
    if (round === 1 && problems.length === 0) break;
    const answer = await runAgent(
      ctx.model,
      tester,
      TEST_TASK,
      {
        issue: issueText(ctx.task),
        briefing,
        originalFiles: state.originals,
        language: facts?.language ?? "unknown",
        ...(state.testCommand ? { testCommand: state.testCommand } : {}),
        ...(facts?.testDir ? { testDir: facts.testDir } : {}),
        testFiles: facts?.testFiles ?? [],
        editProblems: problems,
      },
      ctx.signal,
    ).catch((error: unknown) => {
      if (!isInvalidAnswer(error)) throw error;
      return error;
    });
    if (isInvalidAnswer(answer)) {
      problems = [`${tester.id} gave no valid answer: ${answer.message}`];
      break;
    }
    edits.push(...answer.value.edits);
    const allowed = answer.value.edits.filter((edit) => isTestFile(edit.path));
    const refused = answer.value.edits
      .filter((edit) => !isTestFile(edit.path))
      .map((edit) => `${edit.path}: refused: the tester may edit test files only`);
    const report = await applyEdits(ctx, state, allowed, tester.id);
    applied ||= report.outcomes.some((outcome) => outcome.status === "applied");
    problems = [...refused, ...editProblems(report)];
  }
  return { edits, problems, applied };
}
