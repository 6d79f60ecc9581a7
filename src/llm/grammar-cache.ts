import type { GbnfJsonSchema, Llama, LlamaGrammar } from "node-llama-cpp";
import type { z } from "zod";
import { ModelError } from "../core/errors.js";
import { type GbnfSchemaPair, type JsonSchemaNode, jsonSchemaToGbnfSchema, zodToGbnfSchema } from "./zod-to-gbnf.js";

/** A grammar and the JSON Schema it came from (to read answers back: absent optionals are written as null). */
export interface SchemaGrammar {
  grammar: LlamaGrammar;
  jsonSchema: JsonSchemaNode;
}

const GRAMMAR_CACHE_LIMIT = 64;

/**
 * JSON-schema grammars of one llama.cpp backend, cached by the converted schema (so one schema name reused with a
 * different shape never gets a stale grammar, and schemas rebuilt per call still hit the cache); zod conversions
 * are cached per schema object. At most 64 grammars are kept (oldest dropped first).
 */
export class GrammarCache {
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private readonly conversions = new WeakMap<z.ZodType, GbnfSchemaPair>();

  constructor(private readonly llama: Llama) {}

  /**
   * Grammar for a zod schema.
   * @throws ModelError when the schema has constructs a grammar cannot express, or llama.cpp refuses the grammar
   */
  async forZod(schema: z.ZodType, schemaName: string): Promise<SchemaGrammar> {
    let pair = this.conversions.get(schema);
    if (pair === undefined) {
      pair = zodToGbnfSchema(schema, schemaName);
      this.conversions.set(schema, pair);
    }
    return { grammar: await this.build(pair.gbnf, schemaName), jsonSchema: pair.jsonSchema };
  }

  /**
   * Grammar for a plain JSON Schema (OpenAI-style `response_format`).
   * @throws ModelError as {@link forZod}
   */
  async forJsonSchema(jsonSchema: JsonSchemaNode, schemaName: string): Promise<SchemaGrammar> {
    const gbnf = jsonSchemaToGbnfSchema(jsonSchema, schemaName);
    return { grammar: await this.build(gbnf, schemaName), jsonSchema };
  }

  clear(): void {
    this.grammars.clear();
  }

  private async build(gbnf: GbnfJsonSchema, schemaName: string): Promise<LlamaGrammar> {
    const key = JSON.stringify(gbnf);
    let pending = this.grammars.get(key);
    if (pending === undefined) {
      pending = this.llama.createGrammarForJsonSchema<GbnfJsonSchema>(gbnf);
      pending.catch(() => this.grammars.delete(key));
      this.grammars.set(key, pending);
      if (this.grammars.size > GRAMMAR_CACHE_LIMIT) {
        const oldest = this.grammars.keys().next().value;
        if (oldest !== undefined) this.grammars.delete(oldest);
      }
    }
    try {
      return await pending;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ModelError(`${schemaName}: could not build a grammar: ${reason}`, { cause: error });
    }
  }
}
