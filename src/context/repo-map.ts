import type { RepoFacts, SymbolSignature } from "./repo-facts.js";
import { estimateTokens, largestFitting, type TokenCounter } from "./tokens.js";

/** Options of {@link renderRepoMap}. */
export interface RepoMapOptions {
  /** Files whose signatures are shown first and that are never folded into a `dir/ (N files)` line. */
  focus?: readonly string[];
  /** Cap on the map, tokens (as counted by `countTokens`). */
  maxTokens: number;
  /** Default {@link estimateTokens}. */
  countTokens?: TokenCounter;
}

interface DirNode {
  dirs: Map<string, DirNode>;
  files: string[];
  /** Number of files below this folder, at any depth. */
  total: number;
  /** True when a focus file lies below this folder. */
  focused: boolean;
}

function buildTree(files: readonly string[], focus: ReadonlySet<string>): DirNode {
  const root: DirNode = { dirs: new Map(), files: [], total: 0, focused: false };
  for (const path of files) {
    const parts = path.split("/");
    let node = root;
    node.total += 1;
    node.focused ||= focus.has(path);
    for (const part of parts.slice(0, -1)) {
      let child = node.dirs.get(part);
      if (!child) {
        child = { dirs: new Map(), files: [], total: 0, focused: false };
        node.dirs.set(part, child);
      }
      child.total += 1;
      child.focused ||= focus.has(path);
      node = child;
    }
    node.files.push(path);
  }
  return root;
}

/** How much of the map to show. */
interface Detail {
  /** Files whose signatures are listed. */
  withSignatures: ReadonlySet<string>;
  /** Folders with more files than this (and no focus file) fold into one line; Infinity = never. */
  foldAbove: number;
  /** Deepest folder level listed (0 = top level); deeper folders fold. */
  maxDepth: number;
}

function signatureLines(symbols: readonly SymbolSignature[], indent: string): string[] {
  return symbols.map((s) => `${indent}${s.kind === "method" ? "  " : ""}L${s.line}: ${s.signature}`);
}

function renderDir(node: DirNode, depth: number, facts: RepoFacts, detail: Detail, out: string[]): void {
  const indent = "  ".repeat(depth);
  for (const [name, child] of [...node.dirs].sort((a, b) => a[0].localeCompare(b[0]))) {
    const fold = !child.focused && (child.total > detail.foldAbove || depth >= detail.maxDepth);
    if (fold) {
      out.push(`${indent}${name}/ (${child.total} files)`);
      continue;
    }
    out.push(`${indent}${name}/`);
    renderDir(child, depth + 1, facts, detail, out);
  }
  for (const path of node.files) {
    out.push(`${indent}${path.slice(path.lastIndexOf("/") + 1)}`);
    if (detail.withSignatures.has(path)) out.push(...signatureLines(facts.symbols[path] ?? [], `${indent}  `));
  }
}

function render(facts: RepoFacts, focus: ReadonlySet<string>, detail: Detail): string {
  const lines = [`${facts.files.length} files; L<n> = line of the declaration.`];
  renderDir(buildTree(facts.files, focus), 0, facts, detail, lines);
  return lines.join("\n");
}

/**
 * Orders files for signature display: focus files in the given order, then files by how many files import them
 * (central modules first), then by path.
 */
function signaturePriority(facts: RepoFacts, focus: readonly string[]): string[] {
  const importers = new Map<string, number>();
  for (const targets of Object.values(facts.imports)) {
    for (const t of targets) importers.set(t, (importers.get(t) ?? 0) + 1);
  }
  const rest = Object.keys(facts.symbols)
    .filter((f) => !focus.includes(f))
    .sort((a, b) => (importers.get(b) ?? 0) - (importers.get(a) ?? 0) || a.localeCompare(b));
  return [...focus.filter((f) => facts.symbols[f]), ...rest];
}

/**
 * Renders the repository map: the file tree (folders first, indented) with each shown file's signatures under
 * it, as `L<line>: <signature>`. Fits `maxTokens` by degrading in steps: fewer files with signatures (lowest
 * priority first, see focus), then no signatures and large folders folded into `dir/ (N files)` lines, then only
 * top-level folders, then a hard cut. Returns `""` when not even the first line fits.
 */
export function renderRepoMap(facts: RepoFacts, options: RepoMapOptions): string {
  const count = options.countTokens ?? estimateTokens;
  const focusList = options.focus ?? [];
  const focus = new Set(focusList);
  const fits = (text: string) => count(text) <= options.maxTokens;
  const priority = signaturePriority(facts, focusList);

  const withTop = (n: number): Detail => ({
    withSignatures: new Set(priority.slice(0, n)),
    foldAbove: Number.POSITIVE_INFINITY,
    maxDepth: Number.POSITIVE_INFINITY,
  });
  const full = render(facts, focus, withTop(priority.length));
  if (fits(full)) return full;
  const n = largestFitting(0, priority.length - 1, (k) => fits(render(facts, focus, withTop(k))));
  if (n >= 0) return render(facts, focus, withTop(n));

  for (const detail of [
    { foldAbove: 20, maxDepth: Number.POSITIVE_INFINITY },
    { foldAbove: 5, maxDepth: Number.POSITIVE_INFINITY },
    { foldAbove: 5, maxDepth: 1 },
    { foldAbove: 0, maxDepth: 0 },
  ]) {
    const text = render(facts, focus, { withSignatures: new Set(), ...detail });
    if (fits(text)) return text;
  }
  const lines = render(facts, focus, { withSignatures: new Set(), foldAbove: 0, maxDepth: 0 }).split("\n");
  const marker = "… (map cut to fit the budget)";
  const keep = largestFitting(1, lines.length, (k) => fits([...lines.slice(0, k), marker].join("\n")));
  return keep >= 1 ? [...lines.slice(0, keep), marker].join("\n") : "";
}
