/** A symbol signature extracted from a source file (tree-sitter). */
export interface SymbolSignature {
  kind: "function" | "class" | "method" | "interface" | "type" | "variable";
  name: string;
  /** The declaration line(s) without the body, e.g. `def divide(a, b):`. */
  signature: string;
  /** 1-based line of the declaration. */
  line: number;
  /** 1-based last line of the declaration (its body included), when the parser told. */
  endLine?: number;
}

/** What exploring a repository found: its map and how to build and test it. */
export interface RepoFacts {
  /** Repository-relative paths, sorted. */
  files: string[];
  /** Signatures per source file (only files a grammar exists for). */
  symbols: Record<string, SymbolSignature[]>;
  /** Import edges: file → repository-relative files it imports (resolved where possible). */
  imports: Record<string, string[]>;
  /** Main language by source file count, e.g. `python`, `typescript`, `javascript`. */
  language: string;
  /** e.g. `pip`, `poetry`, `npm`, `pnpm`, `yarn`; undefined when none is detected. */
  packageManager?: string;
  /** Command that runs the tests inside the sandbox, e.g. `python3 -m pytest -q -p no:cacheprovider`. */
  testCommand?: string;
  /** Folder where new tests belong, e.g. `tests`. */
  testDir?: string;
  /** Existing test files (repository-relative). */
  testFiles: string[];
}

/**
 * The Explorer port: builds {@link RepoFacts} for a work copy. The implementation uses tree-sitter (WASM).
 */
export interface Explorer {
  /**
   * @param dir  absolute path of the work tree
   * @param options.files  the repository's files (repository-relative), e.g. from `Workspace.listFiles()`, which
   *   names its git directory explicitly; without it the tree is walked (git is never run inside a tree the
   *   sandbox may have written)
   */
  explore(dir: string, options?: { signal?: AbortSignal; files?: readonly string[] }): Promise<RepoFacts>;
  /**
   * Declarations of one file's current text (after edits moved its lines), when the explorer can parse its
   * language; undefined when it cannot. Optional: callers fall back to the explored facts' symbols.
   */
  outline?(path: string, content: string): Promise<SymbolSignature[] | undefined>;
}
