import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isTanukiError } from "../../../src/core/errors.js";
import { MAX_INTEGER_ENUM, zodToGbnfSchema } from "../../../src/llm/zod-to-gbnf.js";

function gbnf(schema: z.ZodType): Record<string, unknown> {
  return zodToGbnfSchema(schema, "Test").gbnf as Record<string, unknown>;
}

function rejected(schema: z.ZodType): Error {
  try {
    zodToGbnfSchema(schema, "Bad");
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the schema to be rejected");
}

describe("zodToGbnfSchema", () => {
  it("drops $schema and keeps string bounds", () => {
    const out = gbnf(z.object({ name: z.string().min(1).max(40) }));
    expect(out.$schema).toBeUndefined();
    expect(out).toEqual({
      type: "object",
      properties: { name: { type: "string", minLength: 1, maxLength: 40 } },
    });
  });

  it("keeps enums and literals without a redundant type", () => {
    const out = gbnf(z.object({ level: z.enum(["low", "high"]), kind: z.literal("plan") }));
    expect(out.properties).toEqual({ level: { enum: ["low", "high"] }, kind: { const: "plan" } });
  });

  it("makes optional properties nullable so the model can leave them out", () => {
    const out = gbnf(z.object({ note: z.string().max(5).optional(), flag: z.boolean().default(false) }));
    expect(out.properties).toEqual({
      note: { oneOf: [{ type: "string", maxLength: 5 }, { type: "null" }] },
      flag: { oneOf: [{ type: "boolean" }, { type: "null" }] },
    });
  });

  it("expresses nullable values with their constraints", () => {
    expect(gbnf(z.object({ a: z.string().nullable() })).properties).toEqual({ a: { type: ["string", "null"] } });
    expect(gbnf(z.object({ a: z.string().max(3).nullable() })).properties).toEqual({
      a: { oneOf: [{ type: "string", maxLength: 3 }, { type: "null" }] },
    });
  });

  it("keeps array bounds and nested objects", () => {
    const out = gbnf(
      z
        .array(z.object({ path: z.string().max(9) }))
        .min(1)
        .max(4),
    );
    expect(out).toEqual({
      type: "array",
      minItems: 1,
      maxItems: 4,
      items: { type: "object", properties: { path: { type: "string", maxLength: 9 } } },
    });
  });

  it("turns discriminated unions into oneOf branches keyed by const", () => {
    const Edit = z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("a"), x: z.string() }),
      z.object({ kind: z.literal("b"), y: z.number() }),
    ]);
    expect(gbnf(Edit)).toEqual({
      oneOf: [
        { type: "object", properties: { kind: { const: "a" }, x: { type: "string" } } },
        { type: "object", properties: { kind: { const: "b" }, y: { type: "number" } } },
      ],
    });
  });

  it("turns small integer ranges into enums and leaves wide ones to zod", () => {
    expect(gbnf(z.number().int().min(1).max(5))).toEqual({ enum: [1, 2, 3, 4, 5] });
    expect(gbnf(z.number().int().gt(0).lt(3))).toEqual({ enum: [1, 2] });
    expect(
      gbnf(
        z
          .number()
          .int()
          .min(0)
          .max(MAX_INTEGER_ENUM * 2),
      ),
    ).toEqual({ type: "integer" });
    expect(gbnf(z.number().int())).toEqual({ type: "integer" });
    expect(gbnf(z.number().min(0).max(1))).toEqual({ type: "number" });
  });

  it("supports records and tuples", () => {
    expect(gbnf(z.record(z.string(), z.number()))).toEqual({
      type: "object",
      properties: {},
      additionalProperties: { type: "number" },
    });
    expect(gbnf(z.tuple([z.string(), z.boolean()]))).toEqual({
      type: "array",
      minItems: 2,
      maxItems: 2,
      prefixItems: [{ type: "string" }, { type: "boolean" }],
    });
  });

  it("keeps recursive schemas as $defs and $ref", () => {
    interface Node {
      name: string;
      children: Node[];
    }
    const Tree: z.ZodType<Node> = z.object({
      name: z.string().max(5),
      get children() {
        return z.array(Tree).max(2);
      },
    });
    const out = JSON.stringify(gbnf(z.object({ root: Tree })));
    expect(out).toContain('"$ref":"#/$defs/');
    expect(out).toContain('"$defs"');
  });

  it.each([
    ["a regex", z.object({ a: z.string().regex(/^x+$/) }), /regex/],
    ["an email format", z.object({ a: z.email() }), /regex|format/],
    ["unknown values", z.object({ a: z.unknown() }), /unconstrained|no type/],
    ["an intersection zod cannot merge", z.intersection(z.string(), z.string().max(3)), /allOf/],
    ["constrained record keys", z.record(z.enum(["a", "b"]), z.string()), /propertyNames|record keys/],
  ])("rejects %s with a ModelError naming the place", (_what, schema, pattern) => {
    const error = rejected(schema);
    expect(isTanukiError(error, "model")).toBe(true);
    expect(error.message).toMatch(pattern);
    expect(error.message).toContain("Bad");
  });

  it("accepts an intersection of plain objects (zod merges it)", () => {
    const out = gbnf(z.intersection(z.object({ a: z.string() }), z.object({ b: z.boolean() })));
    expect(out.properties).toEqual({ a: { type: "string" }, b: { type: "boolean" } });
  });

  it("rejects transforms that have no JSON Schema", () => {
    const error = rejected(z.object({ when: z.date() }));
    expect(isTanukiError(error, "model")).toBe(true);
  });
});
