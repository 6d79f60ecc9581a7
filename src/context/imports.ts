import { posix } from "node:path";
import type { Node } from "web-tree-sitter";
import type { GrammarId } from "./languages.js";

/** One import as written in a source file, before resolution. */
export type ImportSpec =
  | {
      kind: "python";
      /** Leading dots of a relative import (`from ..a import b` → 2); 0 for absolute imports. */
      level: number;
      /** Dotted module path after the dots, `""` for `from . import x`. */
      module: string;
      /** Names imported by `from m import a, b` (each may be a submodule); empty for `import m`. */
      names: string[];
    }
  | { kind: "js" /** The module specifier, e.g. `./util.js`, `react`. */; specifier: string };

/**
 * Queries that find import statements. Python statements are read through their fields; JS/TS capture the
 * specifier string of `import ... from`, `export ... from`, `require("...")` and `import("...")`.
 */
const PYTHON_IMPORTS = `
(import_statement) @import
(import_from_statement) @from
`;

const JS_IMPORTS = `
(import_statement source: (string (string_fragment) @spec))
(export_statement source: (string (string_fragment) @spec))
(call_expression function: (identifier) @fn arguments: (arguments . (string (string_fragment) @spec)) (#eq? @fn "require"))
(call_expression function: (import) arguments: (arguments . (string (string_fragment) @spec)))
`;

/** Import query source for each grammar. */
export const IMPORT_QUERIES: Record<GrammarId, string> = {
  python: PYTHON_IMPORTS,
  javascript: JS_IMPORTS,
  typescript: JS_IMPORTS,
  tsx: JS_IMPORTS,
};

/** The dotted name of an `import` target (`a.b` in `import a.b as c`). */
function dottedName(node: Node): string {
  return node.type === "aliased_import" ? (node.childForFieldName("name")?.text ?? "") : node.text;
}

/** Reads one Python import statement. */
function pythonSpec(statement: Node): ImportSpec[] {
  if (statement.type === "import_statement") {
    return statement
      .childrenForFieldName("name")
      .filter((n): n is Node => n !== null)
      .map((n) => ({ kind: "python", level: 0, module: dottedName(n), names: [] }));
  }
  const moduleNode = statement.childForFieldName("module_name");
  if (!moduleNode) return [];
  let level = 0;
  let module = moduleNode.text;
  if (moduleNode.type === "relative_import") {
    const prefix = moduleNode.namedChildren.find((c) => c?.type === "import_prefix")?.text ?? "";
    level = prefix.length;
    module = moduleNode.namedChildren.find((c) => c?.type === "dotted_name")?.text ?? "";
  }
  const names = statement
    .childrenForFieldName("name")
    .filter((n): n is Node => n !== null)
    .map(dottedName);
  return [{ kind: "python", level, module, names }];
}

/**
 * Turns captures of {@link IMPORT_QUERIES} into import specs, in source order.
 */
export function extractImports(grammar: GrammarId, captures: { name: string; node: Node }[]): ImportSpec[] {
  if (grammar === "python") return captures.flatMap((c) => pythonSpec(c.node));
  return captures.filter((c) => c.name === "spec").map((c) => ({ kind: "js", specifier: c.node.text }));
}

/** Extensions tried, in order, for an extension-less relative JS/TS specifier. */
const JS_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"];
/** TypeScript's ESM convention: `./a.js` in source means `./a.ts` on disk. */
const TS_FOR_JS: Record<string, string[]> = {
  ".js": [".ts", ".tsx"],
  ".jsx": [".tsx"],
  ".mjs": [".mts"],
  ".cjs": [".cts"],
};

/**
 * Longest module name or specifier that can name a repository file, characters (Linux's PATH_MAX). Longer ones, which
 * only a hostile file writes, resolve to nothing before any path is built from them.
 */
const MAX_MODULE_CHARS = 4_096;
/** Names of one `from m import …` tried as submodules (`m/name.py`); real statements import far fewer. */
const MAX_NAMES_TRIED = 1_000;

function resolveJs(fromFile: string, specifier: string, files: ReadonlySet<string>): string[] {
  if (specifier.length > MAX_MODULE_CHARS) return [];
  if (!specifier.startsWith("./") && !specifier.startsWith("../") && specifier !== "." && specifier !== "..") return [];
  const target = posix.normalize(posix.join(posix.dirname(fromFile), specifier));
  if (target.startsWith("../") || target === "..") return [];
  const ext = posix.extname(target);
  const stem = ext ? target.slice(0, -ext.length) : target;
  const candidates = [
    target,
    ...(TS_FOR_JS[ext] ?? []).map((e) => stem + e),
    ...JS_EXTENSIONS.map((e) => target + e),
    ...JS_EXTENSIONS.map((e) => `${target === "." ? "" : `${target}/`}index${e}`),
  ];
  const hit = candidates.find((c) => files.has(c));
  return hit ? [hit] : [];
}

/** `a/b.py` or `a/b/__init__.py` under `root`, whichever exists. */
function pythonModuleFile(root: string, dotted: string, files: ReadonlySet<string>): string | undefined {
  if (dotted.length > MAX_MODULE_CHARS) return undefined;
  const parts = dotted.split(".").filter(Boolean);
  if (parts.length === 0) return [root ? `${root}/__init__.py` : "__init__.py"].find((c) => files.has(c));
  const base = posix.join(root, ...parts);
  return [`${base}.py`, `${base}/__init__.py`, `${base}.pyi`].find((c) => files.has(c));
}

function resolvePython(
  fromFile: string,
  spec: Extract<ImportSpec, { kind: "python" }>,
  files: ReadonlySet<string>,
): string[] {
  const found = new Set<string>();
  const add = (path: string | undefined) => {
    if (path && path !== fromFile) found.add(path);
  };
  // `from <module> import <names>`: each name costs a path as long as the module, so a long module with many names
  // would cost their product. A module too long to be a path is joined to no name; at most 1,000 names are tried.
  const names = spec.module.length > MAX_MODULE_CHARS ? [] : spec.names.slice(0, MAX_NAMES_TRIED);
  if (spec.level > 0) {
    let base = posix.dirname(fromFile);
    // Levels above the repository root stay at the root; stop there (the level is as large as the file makes it).
    for (let i = 1; i < spec.level && base !== "."; i++) base = posix.dirname(base);
    if (base === ".") base = "";
    for (const name of names) add(pythonModuleFile(base, spec.module ? `${spec.module}.${name}` : name, files));
    if (spec.module || found.size === 0) add(pythonModuleFile(base, spec.module, files));
    return [...found];
  }
  // Absolute imports: the repository root, a `src/` layout, and the importing file's folder (scripts, pytest rootdir).
  const dir = posix.dirname(fromFile);
  const roots = ["", "src", "lib", ...(dir === "." ? [] : [dir])];
  for (const root of roots) {
    const module = pythonModuleFile(root, spec.module, files);
    if (!module) continue;
    for (const name of names) add(pythonModuleFile(root, `${spec.module}.${name}`, files));
    add(module);
    break;
  }
  return [...found];
}

/**
 * Resolves an import to repository files: relative JS/TS specifiers (with extension, `index` and the
 * `.js` → `.ts` convention); Python absolute imports from the root, `src/`, `lib/` or the importing folder, and
 * relative imports by level; `from pkg import mod` also yields `pkg/mod.py` when that is a module (for the first 1,000
 * names of a statement). Module names and specifiers over 4,096 characters resolve to nothing. Package imports
 * (`react`, `numpy`) resolve to nothing: they are not repository files.
 *
 * @param files  every repository-relative path
 * @returns repository-relative paths, possibly empty
 */
export function resolveImport(fromFile: string, spec: ImportSpec, files: ReadonlySet<string>): string[] {
  return spec.kind === "js" ? resolveJs(fromFile, spec.specifier, files) : resolvePython(fromFile, spec, files);
}
