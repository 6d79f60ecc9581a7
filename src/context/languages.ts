/** Grammars Tanuki bundles (tree-sitter WASM files from `tree-sitter-wasms`). */
export type GrammarId = "python" | "typescript" | "tsx" | "javascript";

const GRAMMAR_BY_EXTENSION: Record<string, GrammarId> = {
  ".py": "python",
  ".pyi": "python",
  ".ts": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".tsx": "tsx",
  ".js": "javascript",
  ".jsx": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
};

/** Source languages counted by detection, by extension. `.d.ts` files are declarations, not sources. */
const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  ".py": "python",
  ".ts": "typescript",
  ".tsx": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".js": "javascript",
  ".jsx": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".go": "go",
  ".rs": "rust",
  ".java": "java",
  ".kt": "kotlin",
  ".rb": "ruby",
  ".php": "php",
  ".cs": "csharp",
  ".c": "c",
  ".h": "c",
  ".cc": "cpp",
  ".cpp": "cpp",
  ".hpp": "cpp",
  ".swift": "swift",
  ".scala": "scala",
};

/** Lower-case extension of a path including the dot (`.py`), or `""`. */
export function extensionOf(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot).toLowerCase() : "";
}

/** The grammar that parses `path`, or undefined when Tanuki has none for it. */
export function grammarForPath(path: string): GrammarId | undefined {
  return GRAMMAR_BY_EXTENSION[extensionOf(path)];
}

/** The source language of `path` (`python`, `typescript`, ...), or undefined for non-source files. */
export function languageOfPath(path: string): string | undefined {
  if (/\.d\.[mc]?ts$/i.test(path)) return undefined;
  return LANGUAGE_BY_EXTENSION[extensionOf(path)];
}
