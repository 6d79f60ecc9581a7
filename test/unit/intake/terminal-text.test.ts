import { describe, expect, it } from "vitest";
import { stripTerminalControls } from "../../../src/intake/terminal-text.js";

describe("stripTerminalControls", () => {
  it("removes CSI, OSC title/hyperlink/clipboard, DCS and two-character escapes; keeps text, tabs, newlines", () => {
    const text = [
      "\u001b[31mred\u001b[0m\tok",
      "\u001b]0;pwned title\u0007after title",
      "\u001b]8;;https://evil.test\u001b\\click\u001b]8;;\u001b\\",
      "\u001b]52;c;cm0gLXJmIH4=\u0007clip",
      "\u001bPq#0;2;0;0;0\u001b\\dcs \u001b7saved\u001b8",
      "c1 \u009b2J csi \u009d0;t\u009c osc \u0085nel",
      "over\rwrite\u0000\u0007\u007f",
    ].join("\n");
    expect(stripTerminalControls(text)).toBe(
      "red\tok\nafter title\nclick\nclip\ndcs saved\nc1  csi  osc nel\noverwrite",
    );
  });

  it("an unterminated control string loses only its introducer", () => {
    expect(stripTerminalControls("a\u001b]0;visible")).toBe("a0;visible");
  });

  it("leaves ordinary text alone", () => {
    expect(stripTerminalControls("plain ✓ 日本語 emoji 🦝")).toBe("plain ✓ 日本語 emoji 🦝");
  });
});
