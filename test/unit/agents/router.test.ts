import { describe, expect, it } from "vitest";
import { DEFAULT_ROSTER } from "../../../src/agents/roster.js";
import { routeStep } from "../../../src/agents/router.js";

const step = (intent: string, files: string[], agent = "") => ({ intent, files, agent });

describe("routeStep", () => {
  it("uses the step's own agent when the roster knows it and it can code", () => {
    const route = routeStep(step("fix the division", ["calc.py"], "tanuki-security"), DEFAULT_ROSTER);
    expect(route.agent.id).toBe("tanuki-security");
    expect(route.by).toBe("plan");
  });

  it("ignores a named agent that cannot code or is unknown, and matches by content instead", () => {
    expect(routeStep(step("fix the division", ["calc.py"], "tanuki-reviewer"), DEFAULT_ROSTER).agent.id).toBe(
      "tanuki-coder",
    );
    expect(routeStep(step("fix the division", ["calc.py"], "someone-else"), DEFAULT_ROSTER).agent.id).toBe(
      "tanuki-coder",
    );
  });

  it("routes by tags in the intent", () => {
    const route = routeStep(step("Prevent SQL injection in the search query", ["app/db.py"]), DEFAULT_ROSTER);
    expect(route.agent.id).toBe("tanuki-security");
    expect(route.by).toBe("match");
  });

  it("routes by file types", () => {
    expect(routeStep(step("Update the usage section", ["README.md"]), DEFAULT_ROSTER).agent.id).toBe("tanuki-docs");
    expect(routeStep(step("Pin the node version", [".github/workflows/ci.yml"]), DEFAULT_ROSTER).agent.id).toBe(
      "tanuki-devops",
    );
    expect(
      routeStep(step("Align the button", ["src/components/Button.tsx", "src/styles/button.css"]), DEFAULT_ROSTER).agent
        .id,
    ).toBe("tanuki-frontend");
  });

  it("falls back to the general coder for ordinary source files", () => {
    const route = routeStep(step("Handle an empty list in average()", ["src/stats.ts"]), DEFAULT_ROSTER);
    expect(route.agent.id).toBe("tanuki-coder");
    expect(route.by).toBe("default");
  });
});
