import { posix } from "node:path";
import type { Task } from "../core/task.js";
import { isTestFile } from "../testing/test-files.js";
import type { RepoFacts } from "./repo-facts.js";

/** Words and path-like tokens of the issue text, lower-cased, for set look-ups (one pass over the text). */
interface IssueTerms {
  text: string;
  /** Identifier-like words (`\w+`). */
  words: Set<string>;
  /** Path-like tokens (`calc/ops.py`) and every suffix after a `/` (`ops.py`), trailing punctuation trimmed. */
  paths: Set<string>;
}

function termsOf(text: string): IssueTerms {
  const lower = text.toLowerCase();
  const words = new Set(lower.match(/\w+/g) ?? []);
  const paths = new Set<string>();
  for (const raw of lower.match(/[\w./-]+/g) ?? []) {
    // The lookbehind makes the trailing trim start only at a run's first character: linear in the token.
    const token = raw.replace(/^\.\//, "").replace(/(?<![.-])[.-]+$/, "");
    const parts = token.split("/");
    for (let i = 0; i < parts.length; i++) paths.add(parts.slice(i).join("/"));
  }
  return { text, words, paths };
}

/**
 * True when a declared name is mentioned: as a whole word when at least four characters long; shorter names
 * (`add`, `get`) only as code, `add(` or in backticks, since they are also ordinary words.
 */
function mentionsSymbol(terms: IssueTerms, name: string): boolean {
  if (name.length >= 4) return terms.words.has(name.toLowerCase());
  return name.length > 0 && (terms.text.includes(`${name}(`) || terms.text.includes(`\`${name}\``));
}

/** File stem without extension and test affixes: `tests/test_calc.py` → `calc`, `src/a.test.ts` → `a`. */
function stemOf(path: string): string {
  const base = posix.basename(path);
  const stem = base.slice(0, base.indexOf(".") > 0 ? base.indexOf(".") : undefined);
  return stem.replace(/^test_|_test$/, "").toLowerCase();
}

/**
 * How strongly the issue text points at a file: its full path (100), its file name (60), its stem when at least
 * four characters and not `index` (25), plus 15 per distinct declared symbol named in the text (up to 4; see
 * `mentionsSymbol`). Case-insensitive for paths.
 */
function mentionScore(path: string, terms: IssueTerms, facts: RepoFacts): number {
  let score = 0;
  const lower = path.toLowerCase();
  const stem = stemOf(path);
  if (terms.paths.has(lower)) score += 100;
  else if (terms.paths.has(posix.basename(lower))) score += 60;
  else if (stem.length >= 4 && stem !== "index" && (terms.words.has(stem) || terms.paths.has(stem))) score += 25;
  const named = new Set((facts.symbols[path] ?? []).map((s) => s.name).filter((name) => mentionsSymbol(terms, name)));
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
  const terms = termsOf([task.issue.title, task.issue.body, task.instructions ?? ""].join("\n"));
  const byPath = (a: string, b: string) => a.length - b.length || a.localeCompare(b);
  const chosen: string[] = [];
  const add = (files: string[]) => {
    for (const f of files) if (!chosen.includes(f)) chosen.push(f);
  };

  const scores = new Map(facts.files.map((f) => [f, mentionScore(f, terms, facts)] as const));
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
