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

  it("renders past tool calls as function calls with their results and goes on after tool results", () => {
    const call = { name: "read_file", arguments: '{"path":"a.ts"}', result: "export {}" };
    expect(
      toChatHistory([
        { role: "user", content: "q" },
        { role: "assistant", content: "", toolCalls: [call] },
      ]),
    ).toEqual([
      { type: "user", text: "q" },
      {
        type: "model",
        response: [{ type: "functionCall", name: "read_file", params: { path: "a.ts" }, result: "export {}" }],
      },
    ]);
    expect(
      toChatHistory([
        { role: "user", content: "q" },
        { role: "assistant", content: "let me look", toolCalls: [{ ...call, arguments: "not json" }] },
        { role: "user", content: "go on" },
      ]).at(1),
    ).toEqual({
      type: "model",
      response: ["let me look", { type: "functionCall", name: "read_file", params: "not json", result: "export {}" }],
    });
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
