import { describe, expect, it } from "vitest";
import { formatElapsed, ProgressRenderer } from "../../../src/cli/progress.js";

function capture(isTTY: boolean) {
  const chunks: string[] = [];
  return { out: { write: (t: string) => chunks.push(t), isTTY }, chunks };
}

describe("ProgressRenderer", () => {
  it("prints one line per change outside a terminal, with attempt, phase and elapsed time", () => {
    const { out, chunks } = capture(false);
    const renderer = new ProgressRenderer(out);
    renderer.onEvent({ type: "phase", phase: "explore", elapsedMs: 1_000 });
    renderer.onEvent({ type: "attempt", attempt: 2, maxAttempts: 3, elapsedMs: 61_000 });
    renderer.onEvent({
      type: "tests",
      which: "after",
      attempt: 2,
      passed: 4,
      failed: 1,
      exitCode: 1,
      elapsedMs: 65_000,
    });
    renderer.onEvent({ type: "done", outcome: "not-fixed", reason: "budget", elapsedMs: 70_000 });
    expect(chunks).toEqual([
      "[0:01] explore\n",
      "[1:05] attempt 2/3 · tests after: 4 passed, 1 failed\n",
      "[1:10] done: not-fixed — budget\n",
    ]);
  });

  it("rewrites the line in place on a terminal", () => {
    const { out, chunks } = capture(true);
    const renderer = new ProgressRenderer(out);
    renderer.onEvent({ type: "phase", phase: "plan", elapsedMs: 0 });
    renderer.onEvent({ type: "phase", phase: "code", elapsedMs: 2_000 });
    expect(chunks).toEqual(["\r\x1b[2K[0:00] plan", "\r\x1b[2K[0:02] code"]);
  });

  it("formats elapsed ms as m:ss", () => {
    expect(formatElapsed(0)).toBe("0:00");
    expect(formatElapsed(125_999)).toBe("2:05");
  });
});
