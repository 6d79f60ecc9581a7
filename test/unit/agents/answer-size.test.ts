import { describe, expect, it } from "vitest";
import { z } from "zod";
import { aggregatorOutputSchema } from "../../../src/agents/aggregator/schema.js";
import { coderOutputSchema } from "../../../src/agents/coder/schema.js";
import { critiqueOutputSchema } from "../../../src/agents/critic/schema.js";
import { rcaOutputSchema } from "../../../src/agents/debugger/schema.js";
import { plannerOutputSchema } from "../../../src/agents/planner/schema.js";
import { reviewerOutputSchema } from "../../../src/agents/reviewer/schema.js";
import { DEFAULT_ROSTER } from "../../../src/agents/roster.js";
import {
  type AnswerBudget,
  MIN_AGENT_TOKENS,
  measureCharsPerToken,
  worstCaseAnswerChars,
  worstCaseChars,
} from "../../../src/agents/shared/answer-size.js";
import { fitRosterToContext } from "../../../src/agents/shared/fit-to-context.js";
import { testerOutputSchema } from "../../../src/agents/tester/schema.js";

/** A code tokenizer's density: about 3 characters of JSON-escaped code per token. */
const codeTokenizer = (text: string) => Math.ceil(text.length / 3);
const budget = (maxTokens: number): AnswerBudget => ({
  maxTokens,
  charsPerToken: measureCharsPerToken(codeTokenizer),
});
/** The answer caps `tanuki serve`'s default 8,192-token context gives each agent. */
const at8k = (id: string) =>
  fitRosterToContext(DEFAULT_ROSTER, 8_192).find((e) => e.id === id)?.sampling.maxTokens ?? 0;

const wholeAnswer = {
  planner: (b: AnswerBudget) => plannerOutputSchema(b),
  critic: (b: AnswerBudget) => critiqueOutputSchema(b, 3),
  reviewer: (b: AnswerBudget) => reviewerOutputSchema(b),
  debugger: (b: AnswerBudget) => rcaOutputSchema(b),
  aggregator: (b: AnswerBudget) => aggregatorOutputSchema(b),
};

describe("output schemas sized from the real token budget", () => {
  it("measures the tokenizer's density on a sample answer, 4 without a tokenizer, clamped", () => {
    expect(measureCharsPerToken(codeTokenizer)).toBeCloseTo(3, 1);
    expect(measureCharsPerToken(undefined)).toBe(4);
    expect(measureCharsPerToken(() => 1)).toBe(6);
  });

  it.each(Object.entries(wholeAnswer))(
    "%s: bounded, and its longest answer fits the cap at the measured density",
    (_, factory) => {
      for (const maxTokens of [MIN_AGENT_TOKENS, 1024, 2048, 4096, 8192]) {
        const chars = worstCaseAnswerChars(factory(budget(maxTokens)));
        expect(Number.isFinite(chars)).toBe(true);
        expect(chars).toBeLessThanOrEqual(maxTokens * 3 * 0.9 + 1);
      }
    },
  );

  it("coder and tester: one edit with every text at its limit fits the cap; the number of edits is not scaled", () => {
    for (const factory of [coderOutputSchema, testerOutputSchema]) {
      for (const maxTokens of [MIN_AGENT_TOKENS, 2048, 8192]) {
        const schema = factory(budget(maxTokens));
        expect(worstCaseAnswerChars(schema, 1)).toBeLessThanOrEqual(maxTokens * 3 * 0.9 + 1);
      }
    }
    const json = z.toJSONSchema(coderOutputSchema(budget(MIN_AGENT_TOKENS))) as unknown as {
      properties: { edits: { maxItems: number } };
    };
    expect(json.properties.edits.maxItems).toBe(8);
  });

  it("at an 8k context a plan names 5 files with 80-character paths and the coder sends a 60-line replacement", () => {
    const path = (i: number) => `packages/server-runtime/src/handlers/module-${i}.ts`.padStart(80, "a");
    const plan = {
      summary: "Validate the header before parsing it, in every handler that reads it.",
      steps: [
        {
          files: [path(1), path(2), path(3)],
          intent: "Validate the header in the request handlers.",
          agent: "tanuki-coder",
        },
        {
          files: [path(4), path(5)],
          intent: "Use the validated header in the response handlers.",
          agent: "tanuki-coder",
        },
      ],
    };
    expect(path(1)).toHaveLength(80);
    expect(plannerOutputSchema(budget(at8k("tanuki-planner"))).safeParse(plan).success).toBe(true);

    const replacement = Array.from(
      { length: 60 },
      (_, i) => `    result_${i} = compute_value(items[${i}], "field_${i}")`,
    ).join("\n");
    expect(replacement.length).toBeGreaterThan(2_400);
    const answer = {
      explanation: "Rewrite the block.",
      edits: [{ kind: "search-replace", path: path(1), search: "old\n", replace: replacement }],
      read: [],
      more: false,
    };
    expect(coderOutputSchema(budget(at8k("tanuki-coder"))).safeParse(answer).success).toBe(true);

    const findings = Array.from({ length: 3 }, (_, i) => ({
      file: path(i),
      line: 10,
      severity: "major",
      explanation: "The header may be missing.",
      suggestion: "",
    }));
    const review = { verdict: "approve", summary: "ok", findings };
    expect(reviewerOutputSchema(budget(at8k("tanuki-reviewer"))).safeParse(review).success).toBe(true);
  });

  it("a larger cap never gives a smaller schema", () => {
    for (const factory of [...Object.values(wholeAnswer), coderOutputSchema, testerOutputSchema]) {
      expect(worstCaseAnswerChars(factory(budget(4096)))).toBeGreaterThanOrEqual(
        worstCaseAnswerChars(factory(budget(1024))),
      );
    }
  });

  it("worstCaseChars reports unbounded strings and arrays as infinite", () => {
    expect(worstCaseChars(z.toJSONSchema(z.object({ a: z.string() })) as never)).toBe(Number.POSITIVE_INFINITY);
    expect(worstCaseChars(z.toJSONSchema(z.array(z.string().max(3))) as never)).toBe(Number.POSITIVE_INFINITY);
    expect(worstCaseChars(z.toJSONSchema(z.enum(["ab", "abcd"])) as never)).toBe(6);
  });
});
