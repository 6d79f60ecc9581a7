/** A range of lines of a file, 1-based, inclusive. */
export interface LineRange {
  start: number;
  end: number;
}

/**
 * What makes parts of a file matter for an agent: the names it should see (functions, classes, tests named in the
 * issue, the plan or a failing test's output), the lines that stack traces and review findings point at, and
 * ranges the agent asked for itself (its `read` requests, shown first).
 */
export interface FocusHints {
  /** Identifiers, as written (`divide`, `parse_header`, `TestParse`). */
  names: string[];
  /** Lines that matter, per repository-relative path. */
  lines: Record<string, number[]>;
  /** Ranges asked for explicitly, per path. */
  ranges: Record<string, LineRange[]>;
}

/** Hints with nothing in them. */
export function emptyHints(): FocusHints {
  return { names: [], lines: {}, ranges: {} };
}

/** Longest text scanned per source, characters (stack traces and issues are capped long before this). */
const MAX_SCAN_CHARS = 200_000;
/** Most names kept (the first found win): more would spread a small window budget too thin. */
const MAX_NAMES = 40;

/** Words that look like code in prose but name nothing worth a window. */
const COMMON = new Set(["self", "this", "none", "null", "true", "false", "return", "import", "from", "print", "test"]);

/**
 * Identifiers written as code: in backticks, called (`name(`), dotted (`mod.name`), snake_case, camelCase or
 * PascalCase with an inner capital, and test names from runner output (`::test_x`, `--- FAIL: TestX`). Plain
 * words are left out (they would match everywhere).
 */
/** snake_case, camelCase or PascalCase with an inner capital: a whole run of word characters that names code. */
const CODE_SHAPED = /^(?:[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+|[a-z]+[A-Z][A-Za-z0-9]*|[A-Z][a-z0-9]+[A-Z][A-Za-z0-9]*)$/;

/** The whitespace after `index` and the character that ends it (each run's scan stops at the next run). */
function whitespaceAfter(text: string, index: number): string {
  let end = index;
  while (end < text.length && /\s/.test(text[end] ?? "")) end += 1;
  return text.slice(index, end + 1);
}

function codeNames(text: string): string[] {
  const found: string[] = [];
  const add = (name: string | undefined) => {
    if (!name || name.length < 3 || COMMON.has(name.toLowerCase())) return;
    found.push(name);
  };
  for (const match of text.matchAll(/`([^`\n]{1,200})`/g)) {
    for (const word of match[1]?.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) add(word);
  }
  // One pass over the runs of word characters, each rule checked around its run: the regexes these rules were
  // (`name\s*\(` and friends, unanchored) retried every start inside a long run and took 34 s on 200,000 letters.
  const runs = [...text.matchAll(/\w+/g)].map((match) => ({ word: match[0], at: match.index }));
  const identifier = (word: string) => word.slice(word.search(/[A-Za-z_]/));
  const startsName = (word: string) => /^[A-Za-z_]/.test(word);
  for (const { word, at } of runs)
    if (/[A-Za-z_]/.test(word) && /^\s*\(/.test(whitespaceAfter(text, at + word.length))) add(identifier(word));
  for (const { word, at } of runs) if (text[at - 1] === "." && startsName(word) && /[_A-Z]/.test(word)) add(word);
  for (const { word } of runs) if (CODE_SHAPED.test(word)) add(word);
  for (const { word, at } of runs) {
    if (
      startsName(word) &&
      (text.slice(Math.max(0, at - 2), at) === "::" || text.slice(Math.max(0, at - 10), at) === "--- FAIL: ")
    )
      add(word);
  }
  return found;
}

/** The repository file a path from a trace means: the same path, or the one file it ends with (or that ends it). */
function resolvePath(raw: string, byBase: Map<string, string[]>): string | undefined {
  const path = raw.replace(/\\/g, "/").replace(/^\.\//, "");
  const base = path.slice(path.lastIndexOf("/") + 1);
  const candidates = byBase.get(base) ?? [];
  if (candidates.includes(path)) return path;
  const matching = candidates.filter((file) => path.endsWith(`/${file}`) || file.endsWith(`/${path}`));
  return matching.length === 1 ? matching[0] : undefined;
}

/**
 * Hints from free text (issue title and body, plan step, root-cause advice, test output): code-like names, and
 * `path:line` locations of stack frames (Python `File "x.py", line 3`, and `x.ts:12:5`, `x.go:12`, `X.java:12`
 * forms) that name one of `files`.
 *
 * @param files  the repository's files (repository-relative), to resolve trace paths against
 */
export function hintsFromText(texts: readonly string[], files: readonly string[]): FocusHints {
  const hints = emptyHints();
  const byBase = new Map<string, string[]>();
  for (const file of files) {
    const base = file.slice(file.lastIndexOf("/") + 1);
    byBase.set(base, [...(byBase.get(base) ?? []), file]);
  }
  const names = new Set<string>();
  for (const raw of texts) {
    const text = raw.slice(0, MAX_SCAN_CHARS);
    for (const name of codeNames(text)) if (names.size < MAX_NAMES) names.add(name);
    const locations = [
      ...[...text.matchAll(/File "([^"\n]{1,300})", line (\d{1,7})/g)].map((m) => [m[1], m[2]] as const),
      ...[...text.matchAll(/([\w./\\@+-]{1,300}\.[A-Za-z]{1,6}):(\d{1,7})\b/g)].map((m) => [m[1], m[2]] as const),
    ];
    for (const [path, line] of locations) {
      const file = path ? resolvePath(path, byBase) : undefined;
      if (!file) continue;
      const list = hints.lines[file] ?? [];
      hints.lines[file] = list;
      const number = Number(line);
      if (number > 0 && !list.includes(number)) list.push(number);
    }
  }
  hints.names = [...names];
  return hints;
}

/** All hints together (names de-duplicated, first kept first). */
export function mergeHints(...all: FocusHints[]): FocusHints {
  const merged = emptyHints();
  const names = new Set<string>();
  for (const hints of all) {
    for (const name of hints.names) names.add(name);
    for (const [path, lines] of Object.entries(hints.lines)) {
      merged.lines[path] = [...new Set([...(merged.lines[path] ?? []), ...lines])];
    }
    for (const [path, ranges] of Object.entries(hints.ranges)) {
      merged.ranges[path] = [...(merged.ranges[path] ?? []), ...ranges];
    }
  }
  merged.names = [...names];
  return merged;
}
