import type { Node } from "web-tree-sitter";
import type { GrammarId } from "./languages.js";
import type { SymbolSignature } from "./repo-facts.js";

/** Longest signature kept, characters; longer ones end in `…`. */
export const MAX_SIGNATURE_CHARS = 240;
/** Characters of a declaration read to build its signature (its head; the rest cannot fit the signature). */
const MAX_SCANNED_CHARS = 4 * MAX_SIGNATURE_CHARS;

/**
 * tree-sitter queries that find declarations. Captures: `@def.<kind>` on the declaration node, `@name` on its name;
 * the body (field `body`) is cut off to make the signature. Arrow functions and function expressions bound to a
 * top-level `const`/`let`/`var` count as functions (`@def.bound`). Patterns follow the `tags.scm` files that ship
 * with the tree-sitter grammars.
 */
const PYTHON_QUERY = `
(function_definition name: (identifier) @name) @def.function
(class_definition name: (identifier) @name) @def.class
`;

const JS_COMMON = `
(function_declaration name: (identifier) @name) @def.function
(generator_function_declaration name: (identifier) @name) @def.function
(method_definition name: (_) @name) @def.method
(lexical_declaration (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)])) @def.bound
(variable_declaration (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)])) @def.bound
`;

const JAVASCRIPT_QUERY = `${JS_COMMON}
(class_declaration name: (identifier) @name) @def.class
`;

const TYPESCRIPT_QUERY = `${JS_COMMON}
(function_signature name: (identifier) @name) @def.function
(class_declaration name: (type_identifier) @name) @def.class
(abstract_class_declaration name: (type_identifier) @name) @def.class
(abstract_method_signature name: (_) @name) @def.method
(interface_declaration name: (type_identifier) @name) @def.interface
(type_alias_declaration name: (type_identifier) @name) @def.type
(enum_declaration name: (identifier) @name) @def.type
`;

/** Query source for each grammar. */
export const SYMBOL_QUERIES: Record<GrammarId, string> = {
  python: PYTHON_QUERY,
  javascript: JAVASCRIPT_QUERY,
  typescript: TYPESCRIPT_QUERY,
  tsx: TYPESCRIPT_QUERY,
};

const FUNCTION_SCOPES = new Set([
  "function_definition",
  "function_declaration",
  "generator_function_declaration",
  "function_expression",
  "arrow_function",
  "method_definition",
]);
const CLASS_SCOPES = new Set(["class_definition", "class_declaration", "abstract_class_declaration", "class"]);

/** Nearest enclosing function or class scope of a declaration, or undefined at module level. */
function enclosingScope(node: Node): "function" | "class" | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (FUNCTION_SCOPES.has(p.type)) return "function";
    if (CLASS_SCOPES.has(p.type)) return "class";
  }
  return undefined;
}

/** Declaration text from its start (an enclosing `export`, when there is one) to its body, on one line. */
function signatureOf(decl: Node, source: string): string {
  const start = decl.parent?.type === "export_statement" ? decl.parent : decl;
  let bodyNode = decl.childForFieldName("body");
  if (decl.type === "lexical_declaration" || decl.type === "variable_declaration") {
    const fn = decl.namedChildren.find((c) => c?.type === "variable_declarator")?.childForFieldName("value");
    bodyNode = fn?.childForFieldName("body") ?? null;
  }
  const keepsBody = decl.type === "type_alias_declaration";
  const end = bodyNode && !keepsBody ? bodyNode.startIndex : decl.endIndex;
  // Only the head of a declaration is read: the regexes below are quadratic in long runs of blank space, and a
  // signature is cut to MAX_SIGNATURE_CHARS anyway.
  const text = source
    .slice(start.startIndex, Math.min(end, start.startIndex + MAX_SCANNED_CHARS))
    .replace(/([([{<])[ \t]*\n\s*/g, "$1")
    .replace(/,?[ \t]*\n\s*([)\]}>])/g, "$1")
    .replace(/\s+/g, " ")
    .replace(/[\s{]+$/, "")
    .trim();
  return text.length > MAX_SIGNATURE_CHARS ? `${text.slice(0, MAX_SIGNATURE_CHARS - 1)}…` : text;
}

/**
 * Classifies a captured declaration: methods are functions directly in a class; declarations nested inside a
 * function body are local helpers and are left out; bound arrow functions count only at module level.
 */
function kindOf(captureKind: string, decl: Node): SymbolSignature["kind"] | undefined {
  const scope = enclosingScope(decl);
  if (scope === "function") return undefined;
  switch (captureKind) {
    case "function":
      return scope === "class" ? "method" : "function";
    case "method":
      return decl.parent?.type === "class_body" ? "method" : undefined;
    case "bound": {
      const parent = decl.parent?.type;
      return parent === "program" || parent === "export_statement" ? "function" : undefined;
    }
    case "class":
    case "interface":
    case "type":
      return captureKind;
    default:
      return undefined;
  }
}

/** What a symbol query matched, as needed by {@link extractSymbols}. */
export interface SymbolMatch {
  captures: { name: string; node: Node }[];
}

/**
 * Turns matches of {@link SYMBOL_QUERIES} into signatures, sorted by line.
 *
 * @param source  the text that was parsed (offsets index into it)
 */
export function extractSymbols(matches: SymbolMatch[], source: string): SymbolSignature[] {
  const seen = new Set<number>();
  const symbols: SymbolSignature[] = [];
  for (const match of matches) {
    const def = match.captures.find((c) => c.name.startsWith("def."));
    const name = match.captures.find((c) => c.name === "name");
    if (!def || !name || seen.has(def.node.id)) continue;
    seen.add(def.node.id);
    const kind = kindOf(def.name.slice(4), def.node);
    if (!kind) continue;
    symbols.push({
      kind,
      name: name.node.text,
      signature: signatureOf(def.node, source),
      line: def.node.startPosition.row + 1,
      endLine: def.node.endPosition.row + 1,
    });
  }
  return symbols.sort((a, b) => a.line - b.line || a.name.localeCompare(b.name));
}
