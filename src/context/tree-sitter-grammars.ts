import { createRequire } from "node:module";
import { Language, Parser } from "web-tree-sitter";
import { TanukiError } from "../core/errors.js";
import type { GrammarId } from "./languages.js";

const require = createRequire(import.meta.url);

/** WASM file of each grammar inside the `tree-sitter-wasms` package. */
const GRAMMAR_FILES: Record<GrammarId, string> = {
  python: "tree-sitter-wasms/out/tree-sitter-python.wasm",
  typescript: "tree-sitter-wasms/out/tree-sitter-typescript.wasm",
  tsx: "tree-sitter-wasms/out/tree-sitter-tsx.wasm",
  javascript: "tree-sitter-wasms/out/tree-sitter-javascript.wasm",
};

// The WASM runtime is process-wide state in web-tree-sitter itself, so the memo is module-level too:
// `Parser.init()` runs once per process and each grammar is compiled once.
let runtime: Promise<void> | undefined;
const grammars = new Map<GrammarId, Promise<Language>>();

/** Initialises the tree-sitter WASM runtime once. @throws TanukiError (`internal`) when it cannot start. */
export function initTreeSitter(): Promise<void> {
  runtime ??= Parser.init().catch((err: unknown) => {
    runtime = undefined;
    throw new TanukiError("internal", "could not start the tree-sitter WASM runtime (web-tree-sitter)", { cause: err });
  });
  return runtime;
}

/**
 * The tree-sitter Language for a grammar, loaded once per process.
 *
 * @throws TanukiError (`internal`) when the grammar's WASM file is missing or its ABI does not fit web-tree-sitter
 */
export function loadGrammar(id: GrammarId): Promise<Language> {
  let grammar = grammars.get(id);
  if (!grammar) {
    grammar = initTreeSitter()
      .then(() => Language.load(require.resolve(GRAMMAR_FILES[id])))
      .catch((err: unknown) => {
        grammars.delete(id);
        throw new TanukiError("internal", `could not load the tree-sitter grammar for ${id} (${GRAMMAR_FILES[id]})`, {
          cause: err,
        });
      });
    grammars.set(id, grammar);
  }
  return grammar;
}
