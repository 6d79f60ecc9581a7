import type { Task } from "../core/task.js";
import { delimitUntrusted } from "../intake/delimit.js";
import type { RepoFacts } from "./repo-facts.js";
import { renderRepoMap } from "./repo-map.js";
import { estimateTokens, largestFitting, type TokenCounter } from "./tokens.js";
import type { WorldModel } from "./world-model.js";

export { selectRelevantFiles } from "./relevant-files.js";

/** Share of the budget the world model may take at most. */
export const WORLD_SHARE = 0.15;
/** Share of the budget the repository map may take at most when file contents need the rest. */
export const MAP_SHARE = 0.3;
/** A file cut to fit shows at least this many lines, or is left out. */
const MIN_FILE_LINES = 5;

/** A file to show in full (or as much as fits), e.g. chosen by `selectRelevantFiles`. */
export interface BriefingFile {
  /** Repository-relative path. */
  path: string;
  content: string;
}

/** What {@link buildBriefing} needs. */
export interface BriefingInput {
  task: Task;
  facts: RepoFacts;
  /** The run's ground truth so far; its newest entries are shown. */
  world?: WorldModel;
  /** Files to show with line numbers, most important first (later ones are cut first). */
  files: BriefingFile[];
  /** Budget for the whole briefing, tokens as counted by `countTokens`. */
  budgetTokens: number;
  /** Tokenizer of the model that reads the briefing. Default {@link estimateTokens} (1 token ≈ 4 characters). */
  countTokens?: TokenCounter;
}

function issueSection(task: Task): string {
  const ref = task.issue.number !== undefined ? ` #${task.issue.number}` : "";
  const parts = [`## Issue${ref}`, delimitUntrusted(`issue${ref}`, `Title: ${task.issue.title}\n\n${task.issue.body}`)];
  if (task.instructions) {
    parts.push("## Instructions from the requester", delimitUntrusted("instructions", task.instructions));
  }
  return parts.join("\n");
}

function factsSection(facts: RepoFacts): string {
  const items = [`language: ${facts.language}`];
  if (facts.packageManager) items.push(`package manager: ${facts.packageManager}`);
  items.push(`test command: ${facts.testCommand ? `\`${facts.testCommand}\`` : "none detected"}`);
  if (facts.testDir) items.push(`tests belong in: ${facts.testDir}/`);
  items.push(`existing test files: ${facts.testFiles.length}`);
  return `## Repository\n${items.map((i) => `- ${i}`).join("\n")}`;
}

function numbered(lines: readonly string[]): string {
  const width = String(lines.length).length;
  return lines.map((line, i) => `${String(i + 1).padStart(width)} | ${line}`).join("\n");
}

/** One file with line numbers, delimited; the first `keep` lines only when cut. */
function fileSection(file: BriefingFile, lines: readonly string[], keep: number): string {
  const total = lines.length;
  const header =
    keep >= total
      ? `### ${file.path} (${total} lines)`
      : `### ${file.path} (lines 1-${keep} of ${total}; lines ${keep + 1}-${total} left out for the budget)`;
  return `${header}\n${delimitUntrusted(`file ${file.path}`, numbered(lines.slice(0, keep)))}`;
}

/**
 * File sections in order, each whole while it fits in `maxTokens`, the first that does not cut to the lines that
 * fit (at least {@link MIN_FILE_LINES}), the rest named in one line.
 */
function filesSection(files: readonly BriefingFile[], maxTokens: number, count: TokenCounter): string {
  if (files.length === 0) return "";
  const title = "## Files (line numbers are for citing; they are not part of the files)";
  const parts = [title];
  let used = count(title);
  let index = 0;
  for (; index < files.length; index++) {
    const file = files[index];
    if (!file) break;
    const lines = file.content.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
    const left = maxTokens - used - 40; // room for the "left out" line
    let section = fileSection(file, lines, lines.length);
    if (count(section) > left) {
      const keep = largestFitting(MIN_FILE_LINES, lines.length - 1, (k) => count(fileSection(file, lines, k)) <= left);
      if (keep < MIN_FILE_LINES) break;
      section = fileSection(file, lines, keep);
      parts.push(section);
      used += count(section) + 1;
      index += 1;
      break;
    }
    parts.push(section);
    used += count(section) + 1;
  }
  const omitted = files.slice(index).map((f) => f.path);
  if (omitted.length > 0) parts.push(`(Left out for the budget: ${omitted.join(", ")})`);
  return parts.length > 1 ? parts.join("\n\n") : "";
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
 * the files need less), and the files what is left; so when space runs short the file contents are cut first,
 * then the signatures in the map, then the map itself, then the world model.
 */
export function buildBriefing(input: BriefingInput): string {
  const count = input.countTokens ?? estimateTokens;
  const budget = input.budgetTokens;
  const join = (parts: string[]) => parts.filter((p) => p.length > 0).join("\n\n");

  const head = join([
    `# Task ${input.task.id}: fix the issue below`,
    issueSection(input.task),
    factsSection(input.facts),
  ]);
  const headTokens = count(head);
  const charsPerToken = Math.max(1, head.length / Math.max(1, headTokens));
  let left = budget - headTokens - 8;

  const world = worldSection(input.world, Math.min(left, Math.floor(budget * WORLD_SHARE)), count, charsPerToken);
  left -= world ? count(world) + 2 : 0;

  const focus = input.files.map((f) => f.path);
  const filesWanted = input.files.length > 0 ? count(filesSection(input.files, Number.POSITIVE_INFINITY, count)) : 0;
  const mapCap = Math.min(left, Math.max(Math.floor(budget * MAP_SHARE), left - filesWanted - 2));
  const map = mapSection(input.facts, focus, mapCap, count);
  left -= map ? count(map) + 2 : 0;

  const files = filesSection(input.files, left - 2, count);

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
