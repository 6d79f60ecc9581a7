import type { PlanStep } from "../core/plan.js";
import { AGENT_IDS, canCode, getRosterEntry, type RosterEntry } from "./roster.js";

/** Why the router picked an agent, for traces and the PR body. */
export interface RouteDecision {
  agent: RosterEntry;
  /** `plan`: the step named a coding agent; `match`: tags/languages/file types; `default`: the general coder. */
  by: "plan" | "match" | "default";
  /** Specialist score (0 when not matched). */
  score: number;
}

/** Tags implied by a file's name, so `README.md` reaches the docs specialist without the word "docs". */
const FILE_TYPE_TAGS: [RegExp, string[]][] = [
  [/\.(md|mdx|rst|adoc|txt)$/i, ["docs"]],
  [/\.(css|scss|sass|less|html?|vue|svelte|jsx|tsx)$/i, ["frontend"]],
  [/(^|\/)dockerfile[^/]*$|\.dockerfile$/i, ["dockerfile", "docker"]],
  [/(^|\/)\.github\/workflows\//i, ["workflow", "ci"]],
  [/(^|\/)makefile$/i, ["makefile", "build"]],
  [/\.(ya?ml)$/i, ["yaml"]],
];

/** Language of a file from its extension (only the ones roster entries name); undefined when unknown. */
export function fileLanguage(path: string): string | undefined {
  const lower = path.toLowerCase();
  if (/(^|\/)dockerfile[^/]*$/.test(lower)) return "dockerfile";
  if (/(^|\/)makefile$/.test(lower)) return "make";
  const ext = lower.slice(lower.lastIndexOf(".") + 1);
  const byExt: Record<string, string> = {
    py: "python",
    ts: "typescript",
    mts: "typescript",
    cts: "typescript",
    tsx: "tsx",
    js: "javascript",
    mjs: "javascript",
    cjs: "javascript",
    jsx: "jsx",
    css: "css",
    scss: "css",
    html: "html",
    htm: "html",
    vue: "vue",
    svelte: "svelte",
    md: "markdown",
    mdx: "markdown",
    rst: "rst",
    yml: "yaml",
    yaml: "yaml",
    sh: "shell",
    bash: "bash",
    go: "go",
    rs: "rust",
    java: "java",
    rb: "ruby",
  };
  return byExt[ext];
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0);
}

function tagHits(entry: RosterEntry, tokens: Set<string>): number {
  let hits = 0;
  for (const tag of entry.tags) {
    const matched = [...tokens].some((token) => token === tag || (tag.length >= 4 && token.startsWith(tag)));
    if (matched) hits += 1;
  }
  return hits;
}

/**
 * Score of a specialist for a step: 2 per tag found in the step's intent, file path words or file-type tags, plus 1
 * when every file of the step is in one of the specialist's languages. A specialist needs a score of 2 or more.
 */
export function scoreSpecialist(entry: RosterEntry, step: PlanStep): number {
  const tokens = new Set(words(step.intent));
  for (const file of step.files) {
    for (const word of words(file)) tokens.add(word);
    for (const [pattern, tags] of FILE_TYPE_TAGS) if (pattern.test(file)) for (const tag of tags) tokens.add(tag);
  }
  let score = 2 * tagHits(entry, tokens);
  const languages = step.files.map(fileLanguage);
  if (
    entry.languages.length > 0 &&
    languages.length > 0 &&
    languages.every((lang) => lang !== undefined && entry.languages.includes(lang))
  ) {
    score += 1;
  }
  return score;
}

/**
 * Picks the roster agent for a plan step: the step's own agent when the roster knows it and it can code; else the
 * coding specialist whose tags/languages/file types match best (score ≥ 2, ties → roster order); else
 * `tanuki-coder`.
 *
 * @param roster  the roster (must contain `tanuki-coder`)
 * @throws Error when the roster has no `tanuki-coder` (a programming error)
 */
export function routeStep(step: PlanStep, roster: readonly RosterEntry[]): RouteDecision {
  const named = roster.find((entry) => entry.id === step.agent.trim().toLowerCase());
  if (named && canCode(named)) return { agent: named, by: "plan", score: 0 };
  let best: RosterEntry | undefined;
  let bestScore = 1;
  for (const entry of roster) {
    if (!canCode(entry) || entry.id === AGENT_IDS.coder) continue;
    const score = scoreSpecialist(entry, step);
    if (score > bestScore) {
      best = entry;
      bestScore = score;
    }
  }
  if (best) return { agent: best, by: "match", score: bestScore };
  return { agent: getRosterEntry(roster, AGENT_IDS.coder), by: "default", score: 0 };
}
