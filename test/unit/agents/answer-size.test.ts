import { describe, expect, it } from "vitest";
import { z } from "zod";
import { aggregatorOutputSchema } from "../../../src/agents/aggregator/schema.js";
import { coderOutputSchema } from "../../../src/agents/coder/schema.js";
import { critiqueOutputSchema } from "../../../src/agents/critic/schema.js";
import { rcaOutputSchema } from "../../../src/agents/debugger/schema.js";
import { plannerOutputSchema } from "../../../src/agents/planner/schema.js";
import { reviewerOutputSchema } from "../../../src/agents/reviewer/schema.js";
import { MIN_AGENT_TOKENS, worstCaseAnswerChars, worstCaseChars } from "../../../src/agents/shared/answer-size.js";
import { testerOutputSchema } from "../../../src/agents/tester/schema.js";

const factories = {
  planner: plannerOutputSchema,
  critic: (maxTokens: number) => critiqueOutputSchema(maxTokens, 3),
  coder: coderOutputSchema,
  tester: testerOutputSchema,
  reviewer: reviewerOutputSchema,
  debugger: rcaOutputSchema,
  aggregator: aggregatorOutputSchema,
};

describe("output schemas", () => {
  it.each(Object.entries(factories))("%s: bounded, and the longest answer fits the token cap", (_name, factory) => {
    for (const maxTokens of [MIN_AGENT_TOKENS, 1024, 2048, 4096, 8192]) {
      const chars = worstCaseAnswerChars(factory(maxTokens));
      expect(Number.isFinite(chars)).toBe(true);
      expect(chars).toBeLessThanOrEqual(maxTokens);
    }
  });

  it("a larger cap never gives a smaller schema", () => {
    for (const factory of Object.values(factories)) {
      expect(worstCaseAnswerChars(factory(4096))).toBeGreaterThanOrEqual(worstCaseAnswerChars(factory(1024)));
    }
  });

  it("worstCaseChars reports unbounded strings and arrays as infinite", () => {
    expect(worstCaseChars(z.toJSONSchema(z.object({ a: z.string() })) as never)).toBe(Number.POSITIVE_INFINITY);
    expect(worstCaseChars(z.toJSONSchema(z.array(z.string().max(3))) as never)).toBe(Number.POSITIVE_INFINITY);
    expect(worstCaseChars(z.toJSONSchema(z.enum(["ab", "abcd"])) as never)).toBe(6);
  });
});
