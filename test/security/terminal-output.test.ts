import { describe, expect, it } from "vitest";
import { formatSummary } from "../../src/cli/fix-command.js";
import { ProgressRenderer } from "../../src/cli/progress.js";
import { runResult } from "../helpers/app-scripted-runner.js";

/**
 * Threat: text from the model, the repository or test output printed on the user's terminal with its control
 * sequences: OSC 0/2 rewrites the window title, OSC 8 writes a hyperlink that hides its target, OSC 52 writes the
 * clipboard, CSI moves the cursor to overwrite what Tanuki printed, C1 controls do the same in 8 bits. The real
 * progress renderer (as `tanuki fix` uses it, on a TTY) and the end-of-run summary get hostile text in every field
 * and may print only Tanuki's own line rewrite (`\r ESC[2K`).
 */
const HOSTILE =
  "ok\u001b]0;owned\u0007\u001b]8;;https://evil.test\u001b\\link\u001b]8;;\u001b\\\u001b]52;c;Y3VybCBldmls\u0007\u001b[2J\u001b[1;1H\u009b2J\u009d0;t\u009c\rcover";

/** Control characters left after removing Tanuki's own `\r ESC[2K` line rewrite. */
function foreignControls(output: string): string[] {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return [...output.replaceAll("\r\u001b[2K", "").matchAll(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g)].map(
    (m) => `U+${(m[0].codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );
}

describe("the CLI prints no terminal control sequence it did not write", () => {
  it("the hostile text is full of controls (the detector sees them)", () => {
    expect(foreignControls(HOSTILE).length).toBeGreaterThan(10);
  });

  it("live progress: phase details, findings, logs, setup output, the final reason", () => {
    let printed = "";
    const renderer = new ProgressRenderer({ write: (t) => (printed += t), isTTY: true });
    renderer.onEvent({ type: "phase", phase: "plan", detail: HOSTILE, elapsedMs: 1 });
    renderer.onEvent({ type: "finding", attempt: 1, severity: HOSTILE, file: HOSTILE, line: 1, elapsedMs: 2 });
    renderer.onEvent({ type: "log", level: "warn", message: HOSTILE, elapsedMs: 3 });
    renderer.onEvent({ type: "setup-output", command: HOSTILE, tail: [HOSTILE], elapsedMs: 4 });
    renderer.onEvent({ type: "done", outcome: "not-fixed", reason: HOSTILE, elapsedMs: 5 });
    renderer.finish();
    expect(printed).toContain("oklinkcover");
    expect(foreignControls(printed)).toEqual([]);
  });

  it("the end-of-run summary", () => {
    const result = runResult({ outcome: "not-fixed", baseSha: "abc", reason: HOSTILE, branch: HOSTILE });
    const summary = formatSummary(result, "/tmp/out");
    expect(summary).toContain("oklinkcover");
    expect(foreignControls(summary)).toEqual([]);
  });
});
