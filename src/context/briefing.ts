import type { Task } from "../core/task.js";
import { delimitUntrusted } from "../intake/delimit.js";
import { issueSection } from "../intake/issue-section.js";
import { escapePromptName } from "../intake/prompt-name.js";
import { type FocusFile, renderFocusedFiles } from "./file-focus.js";
import { emptyHints, type FocusHints } from "./focus-hints.js";
import type { RepoFacts } from "./repo-facts.js";
import { renderRepoMap } from "./repo-map.js";
import { estimateTokens, type TokenCounter } from "./tokens.js";
import type { WorldModel } from "./world-model.js";

export { selectRelevantFiles } from "./relevant-files.js";

/** Share of the budget the world model may take at most. */
export const WORLD_SHARE = 0.15;
/** Share of the budget the repository map may take at most when file contents need the rest. */
export const MAP_SHARE = 0.3;
/** A file to show whole, or focused windows of it, e.g. chosen by `selectRelevantFiles`. */
export type BriefingFile = FocusFile;

/** What {@link buildBriefing} needs. */
export interface BriefingInput {
  task: Task;
  facts: RepoFacts;
  /** The run's ground truth so far; its newest entries are shown. */
  world?: WorldModel;
  /** Files to show with line numbers, most important first (later ones get less room first). */
  files: BriefingFile[];
  /** What picks the windows of files too large to show whole (names, trace lines). Default: none (file heads). */
  hints?: FocusHints;
  /** Budget for the whole briefing, tokens as counted by `countTokens`. */
  budgetTokens: number;
  /** Tokenizer of the model that reads the briefing. Default {@link estimateTokens} (1 token ≈ 4 characters). */
  countTokens?: TokenCounter;
}

function factsSection(facts: RepoFacts): string {
  const items = [`language: ${facts.language}`];
  if (facts.packageManager) items.push(`package manager: ${facts.packageManager}`);
  // Repository-derived names are escaped: a path or command may hold a line break and text of its own.
  items.push(`test command: ${facts.testCommand ? `\`${escapePromptName(facts.testCommand)}\`` : "none detected"}`);
  if (facts.testDir) items.push(`tests belong in: ${escapePromptName(`${facts.testDir}/`)}`);
  items.push(`existing test files: ${facts.testFiles.length}`);
  return `## Repository\n${items.map((i) => `- ${i}`).join("\n")}`;
}

/** File sections: focused windows with line numbers (see `renderFocusedFiles`); files left out are named. */
function filesSection(files: readonly FocusFile[], hints: FocusHints, maxTokens: number, count: TokenCounter): string {
  return renderFocusedFiles(files, hints, {
    budgetTokens: maxTokens,
    count,
    numbered: true,
    title: "## Files (line numbers are for citing; they are not part of the files)",
  });
}

/** The world model rendered to at most `maxTokens`, shrinking its character budget until the tokenizer agrees. */
function worldSection(world: WorldModel | undefined, maxTokens: number, count: TokenCounter, charsPerToken: number) {
  if (!world || maxTokens <= 0) return "";
  const title = "## What has happened so far (newest last)\n";
  for (let chars = Math.floor(maxTokens * charsPerToken); chars >= 200; chars = Math.floor(chars * 0.75)) {
    const body = world.render(chars - title.length);
    if (!body) return "";
    if (count(title + body) <= maxTokens) return title + body;
  }
  return "";
}

function mapSection(facts: RepoFacts, focus: readonly string[], maxTokens: number, count: TokenCounter): string {
  const title = "## Repository map";
  const room = maxTokens - count(title) - 80; // the delimiter lines
  if (room <= 0) return "";
  const map = renderRepoMap(facts, { focus, maxTokens: room, countTokens: count });
  if (!map) return "";
  const section = `${title}\n${delimitUntrusted("repository map", map)}`;
  return count(section) <= maxTokens ? section : "";
}

/**
 * Builds the briefing packet every agent gets: the issue and the requester's instructions (delimited as untrusted
 * data), the detected repository facts, the repository map (file tree and signatures), the world model's newest
 * entries, and the given files with line numbers.
 *
 * Fits `budgetTokens`: the issue, instructions and facts are always there in full (the issue is never cut; intake
 * already capped it, see `sanitizeIssue`), so a budget smaller than them is exceeded by exactly them. Within the
 * rest, the world model gets up to {@link WORLD_SHARE} of the budget, the map up to {@link MAP_SHARE} (more when
 * the files need less), and the files what is left; so when space runs short the files shrink first (to focused
 * windows around what the hints name, never a cut in the middle), then the signatures in the map, then the map
 * itself, then the world model.
 */
export function buildBriefing(input: BriefingInput): string {
  const count = input.countTokens ?? estimateTokens;
  const budget = input.budgetTokens;
  const join = (parts: string[]) => parts.filter((p) => p.length > 0).join("\n\n");

  const head = join([
    `# Task ${input.task.id}: fix the issue below`,
    issueSection({
      ...input.task.issue,
      ...(input.task.instructions ? { instructions: input.task.instructions } : {}),
    }),
    factsSection(input.facts),
  ]);
  const headTokens = count(head);
  const charsPerToken = Math.max(1, head.length / Math.max(1, headTokens));
  let left = budget - headTokens - 8;

  const world = worldSection(input.world, Math.min(left, Math.floor(budget * WORLD_SHARE)), count, charsPerToken);
  left -= world ? count(world) + 2 : 0;

  const focus = input.files.map((f) => f.path);
  const hints = input.hints ?? emptyHints();
  const filesWanted =
    input.files.length > 0 ? count(filesSection(input.files, hints, Number.POSITIVE_INFINITY, count)) : 0;
  const mapCap = Math.min(left, Math.max(Math.floor(budget * MAP_SHARE), left - filesWanted - 2));
  const map = mapSection(input.facts, focus, mapCap, count);
  left -= map ? count(map) + 2 : 0;

  const files = filesSection(input.files, hints, left - 2, count);

  // Token counts of parts need not add up exactly for a real tokenizer: drop parts until the whole fits.
  const optional = [files, map, world];
  let briefing = join([head, map, files, world]);
  for (let i = 0; count(briefing) > budget && i < optional.length; i++) {
    optional[i] = "";
    const [f = "", m = "", w = ""] = optional;
    briefing = join([head, m, f, w]);
  }
  return briefing;
}
