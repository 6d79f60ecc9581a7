import type { z } from "zod";
import { dropAbsentOptionals } from "./absent-optionals.js";
import { StructuredOutputError } from "./structured-output-error.js";
import type { JsonSchemaNode } from "./zod-to-gbnf.js";

const PREVIEW_CHARS = 200;

/**
 * Parses a generated JSON answer and validates it with zod.
 *
 * @param raw  the generated text
 * @param schema  the zod schema the answer must match
 * @param jsonSchema  the schema's input-side JSON Schema when the grammar wrote `null` for absent optionals
 *   (see `zodToGbnfSchema`); omit for backends that leave optional keys out
 * @returns the parsed value (zod's output type: defaults applied, transforms run)
 * @throws StructuredOutputError (`invalid-json` | `schema-mismatch`) keeping `raw`
 */
export function parseStructured<T>(
  raw: string,
  schema: z.ZodType<T>,
  schemaName: string,
  jsonSchema?: JsonSchemaNode,
): T {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    throw new StructuredOutputError(
      `${schemaName}: the answer is not valid JSON (${String(error)}); starts with ${preview(raw)}`,
      { raw, schemaName, failure: "invalid-json" },
      { cause: error },
    );
  }
  const candidate = jsonSchema === undefined ? json : dropAbsentOptionals(json, jsonSchema);
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "$"}: ${i.message}`).join("; ");
    throw new StructuredOutputError(
      `${schemaName}: the answer does not match the schema (${issues})`,
      { raw, schemaName, failure: "schema-mismatch" },
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function preview(text: string): string {
  return JSON.stringify(text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text);
}
