import { describe, expect, it } from "vitest";
import { isTanukiError } from "../../../src/core/errors.js";
import { toChatHistory } from "../../../src/llm/chat-history.js";

describe("toChatHistory", () => {
  it("maps roles and ends with an empty model turn", () => {
    expect(
      toChatHistory([
        { role: "system", content: "rules" },
        { role: "user", content: "q1" },
        { role: "assistant", content: "a1" },
        { role: "user", content: "q2" },
      ]),
    ).toEqual([
      { type: "system", text: "rules" },
      { type: "user", text: "q1" },
      { type: "model", response: ["a1"] },
      { type: "user", text: "q2" },
      { type: "model", response: [] },
    ]);
  });

  it("joins adjacent messages of the same role", () => {
    expect(
      toChatHistory([
        { role: "system", content: "a" },
        { role: "system", content: "b" },
        { role: "user", content: "c" },
        { role: "user", content: "d" },
      ]),
    ).toEqual([
      { type: "system", text: "a\n\nb" },
      { type: "user", text: "c\n\nd" },
      { type: "model", response: [] },
    ]);
  });

  it("refuses an empty conversation and one that ends with the assistant", () => {
    for (const messages of [
      [],
      [
        { role: "user" as const, content: "q" },
        { role: "assistant" as const, content: "{" },
      ],
    ]) {
      let error: unknown;
      try {
        toChatHistory(messages);
      } catch (caught) {
        error = caught;
      }
      expect(isTanukiError(error, "model")).toBe(true);
    }
  });
});
