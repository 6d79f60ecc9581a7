import { Parser, Query } from "web-tree-sitter";
import { CancelledError } from "../core/errors.js";
import { SafeTree } from "../workspace/safe-fs.js";
import { DETECTION_CONFIG_FILES, detectProject } from "./detect.js";
import { DEFAULT_MAX_FILES, listRepoFiles } from "./file-walk.js";
import { extractImports, IMPORT_QUERIES, resolveImport } from "./imports.js";
import { type GrammarId, grammarForPath } from "./languages.js";
import type { Explorer, RepoFacts, SymbolSignature } from "./repo-facts.js";
import { extractSymbols, SYMBOL_QUERIES } from "./symbols.js";
import { loadGrammar } from "./tree-sitter-grammars.js";

/** Default cap on the size of a file that is parsed, bytes. Larger files are listed but not parsed. */
export const DEFAULT_MAX_PARSE_BYTES = 256 * 1024;
/** Default cap on the number of files parsed per exploration. */
export const DEFAULT_MAX_PARSED_FILES = 5_000;

/** Limits of a {@link TreeSitterExplorer}. */
export interface TreeSitterExplorerOptions {
  /** Cap on files listed (`RepoFacts.files`). Default {@link DEFAULT_MAX_FILES} (20,000). */
  maxFiles?: number;
  /** Files larger than this are not parsed (no symbols, no imports), bytes. Default 256 KiB. */
  maxParseBytes?: number;
  /** Cap on files parsed, first in path order. Default 5,000. */
  maxParsedFiles?: number;
}

/** A parser and compiled queries for one grammar, built once per explorer. */
interface GrammarTools {
  parser: Parser;
  symbols: Query;
  imports: Query;
}

/**
 * The {@link Explorer} over tree-sitter (WASM, `web-tree-sitter` with the `tree-sitter-wasms` grammars): lists the
 * files, extracts signatures (Python, TypeScript/TSX, JavaScript) and import edges, and detects language, package
 * manager and test command. Generated/minified files show up in `files` but are only parsed under the size cap.
 *
 * Keeps one parser and its queries per grammar between calls; call {@link dispose} to free the WASM memory.
 */
export class TreeSitterExplorer implements Explorer {
  private readonly options: Required<TreeSitterExplorerOptions>;
  private readonly tools = new Map<GrammarId, Promise<GrammarTools>>();

  constructor(options: TreeSitterExplorerOptions = {}) {
    this.options = {
      maxFiles: options.maxFiles ?? DEFAULT_MAX_FILES,
      maxParseBytes: options.maxParseBytes ?? DEFAULT_MAX_PARSE_BYTES,
      maxParsedFiles: options.maxParsedFiles ?? DEFAULT_MAX_PARSED_FILES,
    };
  }

  /**
   * Explores the work copy at `dir` (absolute path).
   *
   * @throws CancelledError when `signal` aborts
   * @throws TanukiError (`internal`) when a grammar cannot be loaded
   */
  async explore(dir: string, options: { signal?: AbortSignal; files?: readonly string[] } = {}): Promise<RepoFacts> {
    const { signal } = options;
    const { files } = await listRepoFiles(dir, {
      maxFiles: this.options.maxFiles,
      ...(signal ? { signal } : {}),
      ...(options.files ? { files: options.files } : {}),
    });
    const fileSet = new Set(files);
    const symbols: Record<string, SymbolSignature[]> = {};
    const imports: Record<string, string[]> = {};

    let parsed = 0;
    for (const path of files) {
      const grammar = grammarForPath(path);
      if (!grammar) continue;
      if (parsed >= this.options.maxParsedFiles) break;
      if (signal?.aborted) throw new CancelledError("exploration cancelled");
      const source = await this.readSmallFile(dir, path);
      if (source === undefined) continue;
      parsed += 1;
      const result = await this.parseFile(grammar, source);
      if (result.symbols.length > 0) symbols[path] = result.symbols;
      const edges = [...new Set(result.imports.flatMap((spec) => resolveImport(path, spec, fileSet)))].filter(
        (target) => target !== path,
      );
      if (edges.length > 0) imports[path] = edges.sort();
    }

    const configs: Record<string, string> = {};
    for (const name of DETECTION_CONFIG_FILES) {
      if (!fileSet.has(name)) continue;
      const text = await this.readSmallFile(dir, name);
      if (text !== undefined) configs[name] = text;
    }
    return { files, symbols, imports, ...detectProject(files, configs) };
  }

  /** Declarations of `content` as the file `path` (undefined for languages without a grammar). */
  async outline(path: string, content: string): Promise<SymbolSignature[] | undefined> {
    const grammar = grammarForPath(path);
    if (!grammar || content.length > this.options.maxParseBytes) return undefined;
    return (await this.parseFile(grammar, content)).symbols;
  }

  /** Frees the parsers and queries. The explorer can still be used afterwards (they are rebuilt). */
  async dispose(): Promise<void> {
    const all = await Promise.allSettled(this.tools.values());
    this.tools.clear();
    for (const entry of all) {
      if (entry.status !== "fulfilled") continue;
      entry.value.symbols.delete();
      entry.value.imports.delete();
      entry.value.parser.delete();
    }
  }

  /**
   * UTF-8 text of a regular file under the size cap; undefined for symlinks (also as a folder on the way), large,
   * unreadable or binary files. Read symlink-safely (see SafeTree): the tree may have been written by the sandbox.
   */
  private async readSmallFile(dir: string, path: string): Promise<string | undefined> {
    const tree = await SafeTree.open(dir);
    const read = await tree.read(path, this.options.maxParseBytes).catch(() => undefined);
    if (!read || read.truncated) return undefined;
    return read.content.includes("\u0000") ? undefined : read.content;
  }

  private grammarTools(grammar: GrammarId): Promise<GrammarTools> {
    let tools = this.tools.get(grammar);
    if (!tools) {
      tools = loadGrammar(grammar).then((language) => {
        const parser = new Parser();
        parser.setLanguage(language);
        return {
          parser,
          symbols: new Query(language, SYMBOL_QUERIES[grammar]),
          imports: new Query(language, IMPORT_QUERIES[grammar]),
        };
      });
      tools.catch(() => this.tools.delete(grammar));
      this.tools.set(grammar, tools);
    }
    return tools;
  }

  private async parseFile(grammar: GrammarId, source: string) {
    const { parser, symbols, imports } = await this.grammarTools(grammar);
    const tree = parser.parse(source);
    if (!tree) return { symbols: [], imports: [] };
    try {
      return {
        symbols: extractSymbols(symbols.matches(tree.rootNode), source),
        imports: extractImports(grammar, imports.captures(tree.rootNode)),
      };
    } finally {
      tree.delete();
    }
  }
}
