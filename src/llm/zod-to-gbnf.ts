import type { GbnfJsonSchema } from "node-llama-cpp";
import { z } from "zod";
import { ModelError } from "../core/errors.js";

/** A JSON Schema node as `z.toJSONSchema` emits it (draft 2020-12). */
export type JsonSchemaNode = { [key: string]: unknown } | boolean;

/** The grammar schema for node-llama-cpp plus the JSON Schema it came from (needed to read answers back). */
export interface GbnfSchemaPair {
  /** Schema in node-llama-cpp's supported subset, for `llama.createGrammarForJsonSchema`. */
  gbnf: GbnfJsonSchema;
  /** The zod schema's input-side JSON Schema, for {@link dropAbsentOptionals}. */
  jsonSchema: JsonSchemaNode;
}

/** Keywords with no effect on generation, or whose check is left to zod after parsing. */
const DROPPED = new Set([
  "$schema",
  "$id",
  "id",
  "title",
  "default",
  "examples",
  "$comment",
  "readOnly",
  "writeOnly",
  "deprecated",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "uniqueItems",
  "contentEncoding",
  "contentMediaType",
]);

/** Keywords a grammar cannot express, with what usually produces them. */
const REJECTED: Record<string, string> = {
  pattern: "a regex pattern (.regex(), z.email(), z.uuid(), ISO dates …)",
  allOf: "an intersection that cannot be merged (allOf)",
  not: "a negation (not)",
  if: "a conditional schema (if/then/else)",
  patternProperties: "pattern properties",
  contains: "an array `contains` constraint",
  dependentSchemas: "dependent schemas",
  dependentRequired: "dependent required properties",
  unevaluatedProperties: "unevaluatedProperties",
  unevaluatedItems: "unevaluatedItems",
};

/** Keywords that are copied as they are. */
const KEPT = new Set([
  "description",
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
]);

/** Handled by the converter itself. */
const STRUCTURAL = new Set([
  "type",
  "const",
  "enum",
  "anyOf",
  "oneOf",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "items",
  "prefixItems",
  "$ref",
  "$defs",
  "format",
]);

const SUPPORTED_FORMATS = new Set(["date-time", "date", "time"]);

/**
 * Converts a zod schema to the JSON-schema subset node-llama-cpp turns into a GBNF grammar.
 *
 * Mapping: `$schema`/titles/defaults dropped; small integer ranges become enums, other numeric bounds are dropped
 * (zod checks them after parsing); enums,
 * literals (`const`), nested objects, records (`additionalProperties` schema), arrays with `minItems`/`maxItems`,
 * tuples (`prefixItems`), strings with `minLength`/`maxLength`, nullable (`type: [T, "null"]`), unions and
 * discriminated unions (`anyOf`/`oneOf` → `oneOf`) and `$defs`/`$ref` are kept. node-llama-cpp always generates
 * every declared property, so an optional property becomes `oneOf [T, null]`: the model writes `null` for
 * "absent" and {@link dropAbsentOptionals} removes it before zod validates.
 *
 * @param schemaName  used in error messages
 * @throws ModelError (code `model`) naming the JSON path and construct for anything the grammar cannot express
 *   (regex `pattern`, formats like `email`, intersections, `unknown`/`any` values, open-ended `not`/`if`), so a
 *   bad agent schema fails at its first call instead of producing answers that never validate
 */
export function zodToGbnfSchema(schema: z.ZodType, schemaName: string): GbnfSchemaPair {
  let jsonSchema: JsonSchemaNode;
  try {
    jsonSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "throw" }) as JsonSchemaNode;
  } catch (error) {
    throw new ModelError(`Schema ${schemaName} cannot be converted to JSON Schema: ${String(error)}`, { cause: error });
  }
  const gbnf = convertNode(jsonSchema, { schemaName, path: "$" });
  return { gbnf, jsonSchema };
}

/**
 * Converts a plain JSON Schema (e.g. an OpenAI-style `response_format.json_schema.schema` received over HTTP) to
 * node-llama-cpp's grammar subset, with the same rules as {@link zodToGbnfSchema}.
 *
 * @throws ModelError (code `model`) naming the JSON path and the construct a grammar cannot express
 */
export function jsonSchemaToGbnfSchema(jsonSchema: JsonSchemaNode, schemaName: string): GbnfJsonSchema {
  return convertNode(jsonSchema, { schemaName, path: "$" });
}

interface Where {
  schemaName: string;
  path: string;
}

function unsupported(where: Where, what: string): ModelError {
  return new ModelError(
    `Schema ${where.schemaName} at ${where.path}: ${what} cannot be expressed as a JSON grammar for node-llama-cpp. ` +
      "Use plain strings/numbers/booleans, enums, literals, objects, arrays and unions (bound them with .max()).",
  );
}

function convertNode(node: JsonSchemaNode, where: Where): GbnfJsonSchema {
  if (typeof node === "boolean")
    throw unsupported(where, node ? "an unconstrained value (z.unknown/z.any)" : "`false`");
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED.has(key)) continue;
    const rejected = REJECTED[key];
    if (rejected !== undefined) throw unsupported(where, rejected);
    if (KEPT.has(key)) out[key] = value;
    else if (!STRUCTURAL.has(key)) throw unsupported(where, `the keyword "${key}"`);
  }
  if (node.$defs !== undefined) out.$defs = convertDefs(node.$defs, where);

  if (typeof node.$ref === "string") {
    if (!node.$ref.startsWith("#/$defs/")) throw unsupported(where, `the reference "${node.$ref}"`);
    return { ...out, $ref: node.$ref } as GbnfJsonSchema;
  }
  if (node.const !== undefined) return { ...pick(out, ["description", "$defs"]), const: node.const } as GbnfJsonSchema;
  if (Array.isArray(node.enum)) return { ...pick(out, ["description", "$defs"]), enum: node.enum } as GbnfJsonSchema;
  const branches = node.anyOf ?? node.oneOf;
  if (Array.isArray(branches)) {
    const oneOf = branches.map((branch, i) => convertNode(branch as JsonSchemaNode, at(where, `<${i}>`)));
    return { ...pick(out, ["description", "$defs"]), oneOf } as GbnfJsonSchema;
  }

  const type = node.type;
  if (Array.isArray(type)) {
    const types = type as string[];
    if (types.length === 1) return convertNode({ ...node, type: types[0] }, where);
    const constrained = Object.keys(node).some((k) => KEPT.has(k) && k !== "description");
    if (!constrained && types.every(isImmutableType) && node.format === undefined) {
      return { ...out, type: types } as GbnfJsonSchema;
    }
    const oneOf = types.map((t) => convertNode({ ...node, type: t, description: undefined }, where));
    return { ...pick(out, ["description", "$defs"]), oneOf } as GbnfJsonSchema;
  }
  switch (type) {
    case "string":
      return convertString(node, out, where);
    case "integer":
      return convertInteger(node, out);
    case "number":
    case "boolean":
    case "null":
      return { ...pick(out, ["description", "$defs"]), type } as GbnfJsonSchema;
    case "object":
      return convertObject(node, out, where);
    case "array":
      return convertArray(node, out, where);
    default:
      throw unsupported(
        where,
        type === undefined ? "a value with no type (z.unknown/z.any)" : `type "${String(type)}"`,
      );
  }
}

function convertString(node: Record<string, unknown>, out: Record<string, unknown>, where: Where): GbnfJsonSchema {
  if (node.format !== undefined) {
    if (typeof node.format !== "string" || !SUPPORTED_FORMATS.has(node.format)) {
      throw unsupported(where, `string format "${String(node.format)}"`);
    }
    return { ...pick(out, ["description", "$defs"]), type: "string", format: node.format } as GbnfJsonSchema;
  }
  return { ...pick(out, ["description", "$defs", "minLength", "maxLength"]), type: "string" } as GbnfJsonSchema;
}

/**
 * A grammar cannot bound numbers, so an integer with a small range (at most {@link MAX_INTEGER_ENUM} values,
 * e.g. `z.number().int().min(1).max(5)`) becomes an enum of its values; wider ranges stay `integer` and zod checks
 * the bounds after generation.
 */
function convertInteger(node: Record<string, unknown>, out: Record<string, unknown>): GbnfJsonSchema {
  const low = bound(node.minimum, node.exclusiveMinimum, Math.ceil, 1);
  const high = bound(node.maximum, node.exclusiveMaximum, Math.floor, -1);
  if (low !== undefined && high !== undefined && high >= low && high - low < MAX_INTEGER_ENUM) {
    const values = Array.from({ length: high - low + 1 }, (_, i) => low + i);
    return { ...pick(out, ["description", "$defs"]), enum: values } as GbnfJsonSchema;
  }
  return { ...pick(out, ["description", "$defs"]), type: "integer" } as GbnfJsonSchema;
}

/** Largest integer range turned into an enum. */
export const MAX_INTEGER_ENUM = 256;

function bound(inclusive: unknown, exclusive: unknown, round: (n: number) => number, step: number): number | undefined {
  const candidates: number[] = [];
  if (typeof inclusive === "number") candidates.push(round(inclusive));
  if (typeof exclusive === "number") candidates.push(Number.isInteger(exclusive) ? exclusive + step : round(exclusive));
  if (candidates.length === 0) return undefined;
  return step > 0 ? Math.max(...candidates) : Math.min(...candidates);
}

function convertObject(node: Record<string, unknown>, out: Record<string, unknown>, where: Where): GbnfJsonSchema {
  const properties = (node.properties ?? {}) as Record<string, JsonSchemaNode>;
  const required = new Set((node.required ?? []) as string[]);
  const converted: Record<string, GbnfJsonSchema> = {};
  for (const [key, child] of Object.entries(properties)) {
    const value = convertNode(child, at(where, key));
    converted[key] = required.has(key) || acceptsNull(child) ? value : { oneOf: [value, { type: "null" }] };
  }
  const result: Record<string, unknown> = {
    ...pick(out, ["description", "$defs"]),
    type: "object",
    properties: converted,
  };
  const extra = node.additionalProperties;
  if (extra !== undefined && typeof extra !== "boolean") {
    const names = node.propertyNames as Record<string, unknown> | undefined;
    if (names !== undefined && Object.keys(names).some((k) => k !== "type")) {
      throw unsupported(where, "constrained record keys (propertyNames)");
    }
    result.additionalProperties = convertNode(extra as JsonSchemaNode, at(where, "*"));
    Object.assign(result, pick(out, ["minProperties", "maxProperties"]));
  }
  return result as GbnfJsonSchema;
}

function convertArray(node: Record<string, unknown>, out: Record<string, unknown>, where: Where): GbnfJsonSchema {
  const result: Record<string, unknown> = {
    ...pick(out, ["description", "$defs", "minItems", "maxItems"]),
    type: "array",
  };
  if (Array.isArray(node.prefixItems)) {
    result.prefixItems = node.prefixItems.map((item, i) => convertNode(item as JsonSchemaNode, at(where, String(i))));
  }
  if (node.items === false) {
    if (!Array.isArray(node.prefixItems)) throw unsupported(where, "an array that allows no items");
    result.maxItems = node.prefixItems.length;
  } else if (node.items !== undefined) {
    result.items = convertNode(node.items as JsonSchemaNode, at(where, "[]"));
  } else if (!Array.isArray(node.prefixItems)) {
    throw unsupported(where, "an array of unconstrained items");
  }
  return result as GbnfJsonSchema;
}

function convertDefs(defs: unknown, where: Where): Record<string, GbnfJsonSchema> {
  const result: Record<string, GbnfJsonSchema> = {};
  for (const [name, def] of Object.entries(defs as Record<string, JsonSchemaNode>)) {
    result[name] = convertNode(def, { ...where, path: `#/$defs/${name}` });
  }
  return result;
}

/** True when the JSON Schema node admits `null`. */
export function acceptsNull(node: JsonSchemaNode): boolean {
  if (typeof node === "boolean") return node;
  if (node.type === "null" || (Array.isArray(node.type) && node.type.includes("null"))) return true;
  if (node.const === null || (Array.isArray(node.enum) && node.enum.includes(null))) return true;
  const branches = node.anyOf ?? node.oneOf;
  return Array.isArray(branches) && branches.some((b) => acceptsNull(b as JsonSchemaNode));
}

function isImmutableType(type: string): boolean {
  return ["string", "number", "integer", "boolean", "null"].includes(type);
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) result[key] = source[key];
  return result;
}

function at(where: Where, segment: string): Where {
  return { ...where, path: segment.startsWith("<") ? `${where.path}${segment}` : `${where.path}.${segment}` };
}
