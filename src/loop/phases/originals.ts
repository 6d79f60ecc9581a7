import type { FileText } from "../../agents/shared/prompt-parts.js";
import { selectRelevantFiles } from "../../context/relevant-files.js";
import { readFiles } from "../briefing.js";
import type { RunContext } from "../run-context.js";
import type { RunState } from "../run-state.js";

/** Most files the tester sees. */
export const MAX_ORIGINAL_FILES = 8;

/**
 * Reads, on the base commit, the files the tester may see: the chosen plan's files, then the relevant files (tests
 * related to them first; see `selectRelevantFiles`). Called before any attempt edits the work copy.
 */
export async function readOriginals(ctx: RunContext, state: RunState): Promise<FileText[]> {
  const plan = state.plan?.candidates[state.plan.chosenIndex];
  const paths = new Set(plan?.steps.flatMap((step) => step.files) ?? []);
  if (state.facts) for (const path of selectRelevantFiles(ctx.task, state.facts, MAX_ORIGINAL_FILES)) paths.add(path);
  return readFiles(ctx, state, [...paths].slice(0, MAX_ORIGINAL_FILES));
}
