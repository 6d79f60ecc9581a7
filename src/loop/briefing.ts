import type { FileText } from "../agents/shared/prompt-parts.js";
import { buildBriefing } from "../context/briefing.js";
import { selectRelevantFiles } from "../context/relevant-files.js";
import type { RunContext } from "./run-context.js";
import { type RunState, requireWorkspace } from "./run-state.js";

/** Default token budget of one briefing. */
export const DEFAULT_BRIEFING_TOKENS = 3_000;
/** Most files a briefing quotes. */
export const BRIEFING_FILES = 6;

/** Share of the model's context one briefing may take (prompts add instructions, diffs and output around it). */
export const BRIEFING_SHARE_OF_CONTEXT = 0.3;

/** Briefing budget, tokens: the configured one (default 3,000), capped at 30 % of the model's context when known. */
export function briefingBudget(configured: number | undefined, contextSize: number | undefined): number {
  const budget = configured ?? DEFAULT_BRIEFING_TOKENS;
  return contextSize ? Math.min(budget, Math.floor(contextSize * BRIEFING_SHARE_OF_CONTEXT)) : budget;
}

/** Current content of `paths` in the work copy (missing files are skipped). */
export async function readFiles(state: RunState, paths: readonly string[]): Promise<FileText[]> {
  const workspace = requireWorkspace(state);
  const files: FileText[] = [];
  for (const path of paths) {
    const content = await workspace.readFile(path);
    if (content !== undefined) files.push({ path, content });
  }
  return files;
}

/**
 * The briefing packet for an agent: repo map, world model and the most relevant files, under the token budget
 * ({@link briefingBudget}; counted with the model's tokenizer when it has one). Files come from the work copy's current state, or from `files` when given
 * (the tester passes base-commit content so its test stays anchored to the issue, not to the new code).
 */
export async function briefFor(ctx: RunContext, state: RunState, files?: FileText[]): Promise<string> {
  const facts = state.facts;
  if (!facts) return "";
  const quoted = files ?? (await readFiles(state, selectRelevantFiles(ctx.task, facts, BRIEFING_FILES)));
  return buildBriefing({
    task: ctx.task,
    facts,
    world: ctx.world,
    files: quoted,
    budgetTokens: briefingBudget(ctx.deps.briefingTokens, ctx.deps.model.contextSize),
    ...(ctx.deps.model.countTokens ? { countTokens: (text: string) => ctx.deps.model.countTokens?.(text) ?? 0 } : {}),
  });
}
