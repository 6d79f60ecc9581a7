import { describe, expect, it } from "vitest";
import { DEFAULT_ROSTER } from "../../../src/agents/roster.js";
import { MIN_AGENT_TOKENS } from "../../../src/agents/shared/answer-size.js";
import { fitMessages, fitRosterToContext } from "../../../src/agents/shared/fit-to-context.js";
import { briefingBudget } from "../../../src/loop/briefing.js";

/** One token per 3 characters: a stand-in tokenizer whose counts differ from the chars/4 estimate. */
const count = (text: string) => Math.ceil(text.length / 3);

describe("fitMessages", () => {
  it("returns the messages unchanged when they fit", () => {
    const messages = [
      { role: "system" as const, content: "You review code." },
      { role: "user" as const, content: "short" },
    ];
    expect(fitMessages(messages, 1_000, count)).toEqual(messages);
  });

  it("drops lines from the end of the largest fenced block, never the middle, keeping every fence", () => {
    const file = Array.from({ length: 3_000 }, (_, i) => `line ${i + 1} ${"x".repeat(20)}`).join("\n");
    const fenced = `## Files\n<untrusted-data label="file a.py" id="abc123">\n${file}\n</untrusted-data id="abc123">\n## Task\nDo it.`;
    const messages = [
      { role: "system" as const, content: "S".repeat(300) },
      { role: "user" as const, content: fenced },
    ];
    const fitted = fitMessages(messages, 2_000, count);
    const total = fitted.reduce((sum, m) => sum + count(m.content), 0);
    expect(total).toBeLessThanOrEqual(2_000);
    const text = fitted[1]?.content ?? "";
    expect(text.startsWith("## Files\n<untrusted-data")).toBe(true);
    expect(text).toContain("line 1 x");
    expect(text).not.toContain("line 3000 x");
    expect(text).toMatch(
      /lines left out here to fit the model's context …\]\n<\/untrusted-data id="abc123">\n## Task\nDo it\.$/,
    );
    expect(fitted[0]?.content).toBe(messages[0]?.content);
  });
});

describe("fitRosterToContext", () => {
  it("caps every answer at 40% of the context but never below the smallest cap the schemas fit in", () => {
    const small = fitRosterToContext(DEFAULT_ROSTER, 2_048);
    for (const entry of small) expect(entry.sampling.maxTokens).toBeLessThanOrEqual(Math.max(MIN_AGENT_TOKENS, 819));
    const tiny = fitRosterToContext(DEFAULT_ROSTER, 512);
    for (const entry of tiny) expect(entry.sampling.maxTokens).toBe(MIN_AGENT_TOKENS);
  });

  it("leaves the roster alone when the context is unknown or large", () => {
    expect(fitRosterToContext(DEFAULT_ROSTER, undefined)).toBe(DEFAULT_ROSTER);
    const large = fitRosterToContext(DEFAULT_ROSTER, 131_072);
    expect(large.map((e) => e.sampling.maxTokens)).toEqual(DEFAULT_ROSTER.map((e) => e.sampling.maxTokens));
  });
});

describe("briefingBudget", () => {
  it("uses the configured budget, capped at 30% of a known context", () => {
    expect(briefingBudget(undefined, undefined)).toBe(3_000);
    expect(briefingBudget(5_000, undefined)).toBe(5_000);
    expect(briefingBudget(undefined, 2_048)).toBe(614);
    expect(briefingBudget(1_000, 32_768)).toBe(1_000);
  });
});
