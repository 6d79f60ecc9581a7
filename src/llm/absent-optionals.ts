import { acceptsNull, type JsonSchemaNode } from "./zod-to-gbnf.js";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Removes `null` values that a grammar produced for optional properties which do not accept `null` (the grammar
 * writes `null` to mean "absent", see `zodToGbnfSchema`). Walks the value alongside the zod schema's JSON Schema;
 * for a union it follows the first branch whose type and `const` properties match the value (that is how
 * discriminated unions are told apart). Returns a new value; the input is not modified.
 *
 * @param value  the parsed JSON answer
 * @param schema  the input-side JSON Schema of the zod schema (root, with its `$defs`)
 */
export function dropAbsentOptionals(value: unknown, schema: JsonSchemaNode): unknown {
  const defs = typeof schema === "object" ? ((schema.$defs ?? {}) as Record<string, JsonSchemaNode>) : {};
  return walk(value as Json, schema, defs, 0);
}

const MAX_DEPTH = 64;

function walk(value: Json, node: JsonSchemaNode, defs: Record<string, JsonSchemaNode>, depth: number): Json {
  if (typeof node === "boolean" || depth > MAX_DEPTH || value === null || typeof value !== "object") return value;
  const resolved = resolveRef(node, defs);
  if (typeof resolved === "boolean") return value;
  const branches = (resolved.anyOf ?? resolved.oneOf) as JsonSchemaNode[] | undefined;
  if (Array.isArray(branches)) {
    const branch = branches.find((b) => matches(value, resolveRef(b, defs)));
    return branch === undefined ? value : walk(value, branch, defs, depth + 1);
  }
  if (Array.isArray(value)) {
    const prefix = (resolved.prefixItems ?? []) as JsonSchemaNode[];
    const items = resolved.items as JsonSchemaNode | undefined;
    return value.map((item, i) => {
      const itemSchema = prefix[i] ?? items;
      return itemSchema === undefined ? item : walk(item, itemSchema, defs, depth + 1);
    });
  }
  const properties = (resolved.properties ?? {}) as Record<string, JsonSchemaNode>;
  const required = new Set((resolved.required ?? []) as string[]);
  const extra = resolved.additionalProperties;
  const result: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = properties[key];
    if (childSchema !== undefined) {
      if (child === null && !required.has(key) && !acceptsNull(resolveRef(childSchema, defs))) continue;
      result[key] = walk(child, childSchema, defs, depth + 1);
    } else if (extra !== undefined && typeof extra !== "boolean") {
      result[key] = walk(child, extra as JsonSchemaNode, defs, depth + 1);
    } else {
      result[key] = child;
    }
  }
  return result;
}

function resolveRef(node: JsonSchemaNode, defs: Record<string, JsonSchemaNode>): JsonSchemaNode {
  if (typeof node === "object" && typeof node.$ref === "string" && node.$ref.startsWith("#/$defs/")) {
    return defs[node.$ref.slice("#/$defs/".length)] ?? node;
  }
  return node;
}

/** Shallow match used to pick a union branch: JSON type, plus `const` properties for objects. */
function matches(value: Json, node: JsonSchemaNode): boolean {
  if (typeof node === "boolean") return node;
  const types = node.type === undefined ? undefined : Array.isArray(node.type) ? node.type : [node.type];
  const actual = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
  if (types !== undefined && !types.some((t) => t === actual || (t === "integer" && actual === "number"))) {
    return false;
  }
  if (actual !== "object" || value === null || Array.isArray(value)) return true;
  const properties = (node.properties ?? {}) as Record<string, JsonSchemaNode>;
  return Object.entries(properties).every(([key, child]) => {
    if (typeof child !== "object" || child.const === undefined) return true;
    return (value as Record<string, Json>)[key] === child.const;
  });
}
