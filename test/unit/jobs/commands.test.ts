import { describe, expect, it } from "vitest";
import { helpText, parseCommand } from "../../../src/jobs/intake/commands.js";
import { hasPermission, isBot } from "../../../src/jobs/intake/permission.js";

describe("parseCommand", () => {
  it("finds a command on its own line, case-insensitively, with instructions", () => {
    expect(parseCommand("Looks bad.\n  /Tanuki FIX   keep it small \nthanks")).toEqual({
      kind: "fix",
      instructions: "keep it small",
    });
    expect(parseCommand("/tanuki review")).toEqual({ kind: "review" });
    expect(parseCommand("/tanuki cancel\r\n")).toEqual({ kind: "cancel" });
    expect(parseCommand("/tanuki")).toEqual({ kind: "help" });
  });

  it("ignores mentions inside a sentence, quotes and code blocks", () => {
    expect(parseCommand("please run /tanuki fix")).toBeUndefined();
    expect(parseCommand("> /tanuki fix")).toBeUndefined();
    expect(parseCommand("```\n/tanuki fix\n```")).toBeUndefined();
    expect(parseCommand("/tanukifix")).toBeUndefined();
  });

  it("reports an unknown subcommand by name", () => {
    expect(parseCommand("/tanuki Deploy prod")).toEqual({ kind: "unknown", name: "deploy" });
    expect(helpText("tanuki", "deploy")).toContain("I don't know the command `deploy`");
  });
});

describe("permissions", () => {
  it("orders GitHub roles", () => {
    expect(hasPermission("maintain", "write")).toBe(true);
    expect(hasPermission("triage", "write")).toBe(false);
    expect(hasPermission("none", "read")).toBe(false);
    expect(hasPermission("admin", "admin")).toBe(true);
  });

  it("treats Bot accounts and [bot] logins as bots", () => {
    expect(isBot({ login: "tanuki[bot]", type: "Bot" })).toBe(true);
    expect(isBot({ login: "renovate[bot]", type: "User" })).toBe(true);
    expect(isBot({ login: "alice", type: "User" })).toBe(false);
    expect(isBot(null)).toBe(true);
  });
});
