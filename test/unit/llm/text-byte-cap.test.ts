import { describe, expect, it } from "vitest";
import { TextByteCap } from "../../../src/llm/text-byte-cap.js";

describe("TextByteCap", () => {
  it("passes chunks on within the cap and leaves the text whole", () => {
    const seen: string[] = [];
    const cap = new TextByteCap(10, (text) => seen.push(text));
    cap.push("abc");
    cap.push("defg");
    expect(seen).toEqual(["abc", "defg"]);
    expect(cap.reached).toBe(false);
    expect(cap.signal.aborted).toBe(false);
    expect(cap.cut("abcdefg")).toBe("abcdefg");
  });

  it("aborts at the chunk that passes the cap, drops it and later chunks, and cuts the text at the cap", () => {
    const seen: string[] = [];
    const cap = new TextByteCap(5, (text) => seen.push(text));
    cap.push("abcd");
    cap.push("é!"); // 3 bytes: 7 > 5
    cap.push("more");
    expect(seen).toEqual(["abcd"]);
    expect(cap.reached).toBe(true);
    expect(cap.signal.aborted).toBe(true);
    // 5 bytes would split "é" (2 bytes at offsets 4-5): the cut keeps whole characters only.
    expect(cap.cut("abcdé!more")).toBe("abcd");
  });
});
