import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ModelError } from "../../../src/core/errors.js";
import { dropAbsentOptionals } from "../../../src/llm/absent-optionals.js";
import { parseStructured } from "../../../src/llm/parse-structured.js";
import type { StructuredOutputError } from "../../../src/llm/structured-output-error.js";
import { zodToGbnfSchema } from "../../../src/llm/zod-to-gbnf.js";

const Edit = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("search-replace"), path: z.string(), search: z.string(), replace: z.string() }),
  z.object({ kind: z.literal("write-file"), path: z.string(), content: z.string(), mode: z.string().optional() }),
]);
const Answer = z.object({
  summary: z.string().max(80),
  note: z.string().optional(),
  reason: z.string().nullable(),
  retries: z.number().int().default(1),
  edits: z.array(Edit).max(3),
});

function parse(raw: string) {
  return parseStructured(raw, Answer, "Answer", zodToGbnfSchema(Answer, "Answer").jsonSchema);
}

function failure(run: () => unknown): StructuredOutputError {
  try {
    run();
  } catch (error) {
    return error as StructuredOutputError;
  }
  throw new Error("expected a failure");
}

describe("parseStructured", () => {
  it("reads null for an optional property as absent and keeps null where null is allowed", () => {
    const raw = JSON.stringify({ summary: "s", note: null, reason: null, retries: null, edits: [] });
    const value = parse(raw);
    expect(value).toEqual({ summary: "s", reason: null, retries: 1, edits: [] });
    expect("note" in value).toBe(false);
  });

  it("drops absent optionals inside the matching branch of a discriminated union", () => {
    const raw = JSON.stringify({
      summary: "s",
      note: "n",
      reason: "r",
      retries: 2,
      edits: [
        { kind: "write-file", path: "a.ts", content: "x", mode: null },
        { kind: "search-replace", path: "b.ts", search: "1", replace: "2" },
      ],
    });
    expect(parse(raw).edits).toEqual([
      { kind: "write-file", path: "a.ts", content: "x" },
      { kind: "search-replace", path: "b.ts", search: "1", replace: "2" },
    ]);
  });

  it("refuses text that is not JSON, keeping the raw text", () => {
    const error = failure(() => parse('{"summary": "unfinished'));
    expect(error).toBeInstanceOf(ModelError);
    expect(error.failure).toBe("invalid-json");
    expect(error.raw).toBe('{"summary": "unfinished');
  });

  it("refuses JSON that does not match, naming the path", () => {
    const raw = JSON.stringify({ summary: "x".repeat(81), reason: null, edits: [] });
    const error = failure(() => parse(raw));
    expect(error.failure).toBe("schema-mismatch");
    expect(error.schemaName).toBe("Answer");
    expect(error.message).toContain("summary");
    expect(error.raw).toBe(raw);
  });

  it("does not turn a required null into absent", () => {
    const raw = JSON.stringify({ summary: null, reason: null, edits: [] });
    expect(failure(() => parse(raw)).failure).toBe("schema-mismatch");
  });
});

describe("dropAbsentOptionals", () => {
  it("follows $ref into $defs", () => {
    interface Node {
      name?: string;
      children: Node[];
    }
    const Tree: z.ZodType<Node> = z.object({
      name: z.string().optional(),
      get children() {
        return z.array(Tree);
      },
    });
    const { jsonSchema } = zodToGbnfSchema(z.object({ root: Tree }), "Tree");
    const value = { root: { name: null, children: [{ name: "leaf", children: [] }] } };
    expect(dropAbsentOptionals(value, jsonSchema)).toEqual({ root: { children: [{ name: "leaf", children: [] }] } });
  });

  it("leaves the input unmodified", () => {
    const { jsonSchema } = zodToGbnfSchema(z.object({ a: z.string().optional() }), "A");
    const value = { a: null };
    dropAbsentOptionals(value, jsonSchema);
    expect(value).toEqual({ a: null });
  });
});
