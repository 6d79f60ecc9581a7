import type { RosterEntry } from "../agents/roster.js";
import type { PromptBudget } from "../agents/shared/agent-task.js";
import type { FileText } from "../agents/shared/prompt-parts.js";
import { promptBudget } from "../agents/shared/run-agent.js";
import { buildBriefing } from "../context/briefing.js";
import { type FocusFile, renderFocusedFiles } from "../context/file-focus.js";
import { type FocusHints, hintsFromText, mergeHints } from "../context/focus-hints.js";
import { selectRelevantFiles } from "../context/relevant-files.js";
import { isTanukiError } from "../core/errors.js";
import { quotableHead } from "../intake/file-cut.js";
import type { ChatMessage } from "../llm/chat-model.js";
import type { FileHead } from "../workspace/workspace.js";
import type { RunContext } from "./run-context.js";
import { type RunState, requireWorkspace } from "./run-state.js";

/** Default token budget of one briefing. */
export const DEFAULT_BRIEFING_TOKENS = 3_000;
/** Most files a briefing quotes. */
export const BRIEFING_FILES = 6;
/** Room of one prompt when the model does not tell its context size, tokens. */
export const DEFAULT_PROMPT_TOKENS = 16_000;
/** Share of a coder's or tester's free prompt room its files get (the briefing gets the rest). */
export const FILES_SHARE = 0.6;

/** Share of the model's context one briefing may take (prompts add instructions, diffs and output around it). */
export const BRIEFING_SHARE_OF_CONTEXT = 0.3;

/** Briefing budget, tokens: the configured one (default 3,000), capped at 30 % of the model's context when known. */
export function briefingBudget(configured: number | undefined, contextSize: number | undefined): number {
  const budget = configured ?? DEFAULT_BRIEFING_TOKENS;
  return contextSize ? Math.min(budget, Math.floor(contextSize * BRIEFING_SHARE_OF_CONTEXT)) : budget;
}

/** Room of one prompt for `entry` (see `promptBudget`); {@link DEFAULT_PROMPT_TOKENS} when the context is unknown. */
export function agentPromptBudget(ctx: RunContext, entry: RosterEntry): PromptBudget {
  return (
    promptBudget(ctx.model, entry) ?? { tokens: DEFAULT_PROMPT_TOKENS, count: (text) => ctx.model.countTokens(text) }
  );
}

/**
 * Current content of `paths` in the work copy, each read up to the run's cap (`RunConfig.promptFileBytes`): a
 * larger file gives its head, cut at a line end, with `cut` set so the prompt says so. Missing files are skipped,
 * and so are paths the workspace refuses (outside the repository, `.git/`, not a regular file): paths come from
 * models (plans, `read` requests), so a bad one must not end the run.
 *
 * @param onRefused  told each refused path and why (the caller notes it for the agent)
 */
export async function readFiles(
  ctx: RunContext,
  state: RunState,
  paths: readonly string[],
  onRefused?: (path: string, reason: string) => void,
): Promise<FileText[]> {
  const workspace = requireWorkspace(state);
  const files: FileText[] = [];
  for (const path of paths) {
    let head: FileHead | undefined;
    try {
      head = await workspace.readFileHead(path, ctx.config.promptFileBytes);
    } catch (error) {
      if (!isTanukiError(error, "path-policy")) throw error;
      onRefused?.(path, error.message);
      continue;
    }
    if (head !== undefined) files.push({ path, ...quotableHead(head) });
  }
  return files;
}

/**
 * What points at the code that matters in this run: the issue and instructions, the base commit's test output
 * (stack traces, failing test names), and `extra` texts (plan step, root-cause advice, findings).
 */
export function runHints(ctx: RunContext, state: RunState, extra: readonly string[] = []): FocusHints {
  const files = state.facts?.files ?? [];
  return hintsFromText(
    [ctx.task.issue.title, ctx.task.issue.body, ctx.task.instructions ?? "", state.before?.outputTail ?? "", ...extra],
    files,
  );
}

/** Hints for the lines an agent asked for (`read`), to be shown first. */
export function readHints(requests: readonly { path: string; startLine: number; endLine: number }[]): FocusHints {
  const ranges: FocusHints["ranges"] = {};
  for (const request of requests) {
    const start = Math.max(1, Math.floor(request.startLine));
    const end = Math.max(start, Math.floor(request.endLine));
    ranges[request.path] = [...(ranges[request.path] ?? []), { start, end }];
  }
  return mergeHints({ names: [], lines: {}, ranges });
}

/**
 * Files with their declarations: parsed from the given content when the explorer can (`outline`; line numbers
 * follow edits), else the explored facts' symbols (right for base-commit content).
 */
export async function withSymbols(ctx: RunContext, state: RunState, files: readonly FileText[]): Promise<FocusFile[]> {
  const explorer = ctx.deps.explorer;
  return Promise.all(
    files.map(async (file) => {
      const parsed = explorer.outline
        ? await explorer.outline(file.path, file.content).catch(() => undefined)
        : undefined;
      const symbols = parsed ?? state.facts?.symbols[file.path];
      return { ...file, ...(symbols ? { symbols } : {}) };
    }),
  );
}

/**
 * The briefing packet for an agent: repo map, world model and the most relevant files (focused windows, numbered
 * for citing), under `budgetTokens` (default {@link briefingBudget}; counted with the model's tokenizer when it has
 * one). Files come from the work copy's current state, or from `files` when given (the tester passes base-commit
 * content so its test stays anchored to the issue, not to the new code); `exclude` leaves out files the prompt
 * shows elsewhere. The repository facts state the test command in use (configured, else detected).
 */
export async function briefFor(
  ctx: RunContext,
  state: RunState,
  options: { files?: FileText[]; exclude?: readonly string[]; budgetTokens?: number; hints?: FocusHints } = {},
): Promise<string> {
  const facts = state.facts;
  if (!facts) return "";
  const exclude = new Set(options.exclude ?? []);
  const quoted =
    options.files ?? (await readFiles(ctx, state, selectRelevantFiles(ctx.task, facts, BRIEFING_FILES + exclude.size)));
  const files = quoted.filter((file) => !exclude.has(file.path)).slice(0, BRIEFING_FILES);
  const configured = briefingBudget(ctx.deps.briefingTokens, ctx.deps.model.contextSize);
  return buildBriefing({
    task: ctx.task,
    facts: { ...facts, ...(state.testCommand ? { testCommand: state.testCommand } : {}) },
    world: ctx.world,
    files: await withSymbols(ctx, state, files),
    hints: options.hints ?? runHints(ctx, state),
    budgetTokens: Math.max(0, Math.min(configured, options.budgetTokens ?? configured)),
    countTokens: (text: string) => ctx.model.countTokens(text),
  });
}

/**
 * Builds a coder's or tester's messages within its prompt room: the fixed parts (instructions, issue, step,
 * findings) first, then the files rendered into {@link FILES_SHARE} of what is left (focused windows, see
 * `renderFocusedFiles`), then the briefing into the rest.
 *
 * @param build  the messages for a given briefing and files section
 * @param files  the files to show, most important first, and the hints that pick their windows
 */
export async function fitAgentPrompt(
  ctx: RunContext,
  state: RunState,
  entry: RosterEntry,
  build: (parts: { briefing: string; files: string }) => ChatMessage[],
  files: {
    list: FocusFile[];
    hints: FocusHints;
    title: string;
    exclude: readonly string[];
    /** Files the briefing may quote (default: the relevant files' current content). */
    briefingFiles?: FileText[];
  },
): Promise<{ briefing: string; files: string }> {
  const budget = agentPromptBudget(ctx, entry);
  const size = (messages: ChatMessage[]) => messages.reduce((sum, m) => sum + budget.count(m.content), 0);
  const room = Math.max(0, budget.tokens - size(build({ briefing: "", files: "" })));
  const section = renderFocusedFiles(files.list, files.hints, {
    budgetTokens: Math.floor(room * FILES_SHARE),
    count: budget.count,
    title: files.title,
    canRead: true,
  });
  const left = room - (section ? budget.count(section) + 2 : 0);
  const briefing = await briefFor(ctx, state, {
    exclude: files.exclude,
    budgetTokens: left,
    hints: files.hints,
    ...(files.briefingFiles ? { files: files.briefingFiles } : {}),
  });
  return { briefing, files: section };
}
