import { posix } from "node:path";
import type { Task } from "../core/task.js";
import { isTestFile } from "./detect.js";
import type { RepoFacts } from "./repo-facts.js";

/** Identifiers shorter than this are too common to count as a mention (`add`, `run` still count: 3). */
const MIN_NAME_CHARS = 3;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** True when `word` occurs in `text` as a whole identifier/path (not inside a longer word). */
function mentions(text: string, word: string): boolean {
  if (word.length < MIN_NAME_CHARS) return false;
  return new RegExp(`(^|[^\\w])${escapeRegExp(word)}($|[^\\w])`, "i").test(text);
}

/**
 * True when a declared name is mentioned: as a whole word when at least four characters long, shorter names
 * (`add`, `get`) only as code, `add(` or in backticks, since they are also ordinary words.
 */
function mentionsSymbol(text: string, name: string): boolean {
  if (name.length >= 4) return mentions(text, name);
  return name.length > 0 && (text.includes(`${name}(`) || text.includes(`\`${name}\``));
}

/** File stem without extension and test affixes: `tests/test_calc.py` → `calc`, `src/a.test.ts` → `a`. */
function stemOf(path: string): string {
  const base = posix.basename(path);
  const stem = base.slice(0, base.indexOf(".") > 0 ? base.indexOf(".") : undefined);
  return stem.replace(/^test_|_test$/, "");
}

/**
 * How strongly the issue text points at a file: its full path (100), its file name (60), its stem when at least
 * four characters (25), plus 15 per distinct declared symbol named in the text (up to 4).
 */
function mentionScore(path: string, text: string, facts: RepoFacts): number {
  let score = 0;
  const base = posix.basename(path);
  if (mentions(text, path)) score += 100;
  else if (mentions(text, base)) score += 60;
  else if (stemOf(path).length >= 4 && stemOf(path) !== "index" && mentions(text, stemOf(path))) score += 25;
  const named = new Set((facts.symbols[path] ?? []).map((s) => s.name).filter((name) => mentionsSymbol(text, name)));
  return score + 15 * Math.min(named.size, 4);
}

/** Files reachable from `seeds` over import edges in either direction, with their distance (1 = direct). */
function importDistances(seeds: readonly string[], facts: RepoFacts, maxDepth = 2): Map<string, number> {
  const neighbours = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (!neighbours.has(a)) neighbours.set(a, new Set());
    neighbours.get(a)?.add(b);
  };
  for (const [from, targets] of Object.entries(facts.imports)) {
    for (const to of targets) {
      link(from, to);
      link(to, from);
    }
  }
  const distance = new Map<string, number>(seeds.map((s) => [s, 0]));
  let frontier = [...seeds];
  for (let depth = 1; depth <= maxDepth && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const file of frontier) {
      for (const n of neighbours.get(file) ?? []) {
        if (distance.has(n)) continue;
        distance.set(n, depth);
        next.push(n);
      }
    }
    frontier = next;
  }
  for (const s of seeds) distance.delete(s);
  return distance;
}

/**
 * Ranks the files an agent should read for a task, best first, at most `max`:
 * 1. files the issue (title, body, instructions) mentions by path, name or stem, or by a declared symbol;
 * 2. test files related to tier-1 files (importing them, or named after them: `test_calc.py` for `calc.py`);
 * 3. files near tier-1 files in the import graph (either direction, up to two hops), nearest first;
 * 4. the other test files (they state what the code must do);
 * 5. other parsed source files, most imported first (the project's central modules).
 * Ties go to the shorter, then alphabetically first path.
 */
export function selectRelevantFiles(task: Task, facts: RepoFacts, max: number): string[] {
  if (max <= 0) return [];
  const text = [task.issue.title, task.issue.body, task.instructions ?? ""].join("\n");
  const byPath = (a: string, b: string) => a.length - b.length || a.localeCompare(b);
  const chosen: string[] = [];
  const add = (files: string[]) => {
    for (const f of files) if (!chosen.includes(f)) chosen.push(f);
  };

  const scores = new Map(facts.files.map((f) => [f, mentionScore(f, text, facts)] as const));
  const mentioned = facts.files
    .filter((f) => (scores.get(f) ?? 0) > 0)
    .sort((a, b) => (scores.get(b) ?? 0) - (scores.get(a) ?? 0) || byPath(a, b));
  add(mentioned);

  const mentionedSources = mentioned.filter((f) => !isTestFile(f));
  const stems = new Set(mentionedSources.map(stemOf));
  const related = (t: string) =>
    (facts.imports[t] ?? []).some((x) => mentionedSources.includes(x)) || stems.has(stemOf(t));
  add(facts.testFiles.filter(related).sort(byPath));

  const distances = importDistances(mentioned, facts);
  add([...distances.keys()].sort((a, b) => (distances.get(a) ?? 0) - (distances.get(b) ?? 0) || byPath(a, b)));
  add([...facts.testFiles].sort(byPath));

  const importers = new Map<string, number>();
  for (const targets of Object.values(facts.imports))
    for (const t of targets) importers.set(t, (importers.get(t) ?? 0) + 1);
  add(Object.keys(facts.symbols).sort((a, b) => (importers.get(b) ?? 0) - (importers.get(a) ?? 0) || byPath(a, b)));

  return chosen.slice(0, max);
}
