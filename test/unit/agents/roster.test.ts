import { describe, expect, it } from "vitest";
import { AGENT_IDS, canCode, capRosterTokens, DEFAULT_ROSTER, getRosterEntry } from "../../../src/agents/roster.js";

describe("DEFAULT_ROSTER", () => {
  it("has unique ids, every core role and the four specialists", () => {
    const ids = DEFAULT_ROSTER.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of Object.values(AGENT_IDS)) expect(ids).toContain(id);
    for (const id of ["tanuki-security", "tanuki-frontend", "tanuki-devops", "tanuki-docs"]) {
      expect(canCode(getRosterEntry(DEFAULT_ROSTER, id))).toBe(true);
    }
  });

  it("capRosterTokens lowers caps without raising any", () => {
    const capped = capRosterTokens(DEFAULT_ROSTER, 600);
    for (const [i, entry] of capped.entries()) {
      expect(entry.sampling.maxTokens).toBe(Math.min(600, DEFAULT_ROSTER[i]?.sampling.maxTokens ?? 0));
    }
  });

  it("getRosterEntry throws on an unknown id", () => {
    expect(() => getRosterEntry(DEFAULT_ROSTER, "tanuki-nobody")).toThrow(/tanuki-nobody/);
  });
});
