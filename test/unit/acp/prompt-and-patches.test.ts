import type { SessionUpdate } from "@agentclientprotocol/sdk";
import { describe, expect, it } from "vitest";
import { issueFromPrompt, MAX_ATTACHED_CHARS, workspacePath } from "../../../src/acp/prompt-task.js";
import { RunUpdates } from "../../../src/acp/run-updates.js";
import { filePatches } from "../../../src/diff/file-patches.js";

describe("issueFromPrompt", () => {
  it("makes the first line the title, reads linked workspace files through the editor, notes what it left out", async () => {
    const read: string[] = [];
    const issue = await issueFromPrompt(
      [
        { type: "text", text: "\n# Fix the crash\nIt fails on empty input." },
        { type: "resource_link", name: "a.py", uri: "file:///ws/src/a.py" },
        { type: "resource_link", name: "secret", uri: "file:///etc/passwd" },
        { type: "resource", resource: { uri: "file:///ws/b.py", text: "x = 1 ```` y" } },
        { type: "image", data: "", mimeType: "image/png" },
      ],
      "/ws",
      async (path) => {
        read.push(path);
        return "a".repeat(MAX_ATTACHED_CHARS + 10);
      },
    );
    expect(read).toEqual(["/ws/src/a.py"]);
    expect(issue?.title).toBe("Fix the crash");
    expect(issue?.body).toContain("It fails on empty input.");
    expect(issue?.body).toContain("### src/a.py");
    expect(issue?.body).toContain(`[… cut at ${MAX_ATTACHED_CHARS} characters]`);
    // a fence longer than any backtick run in the file keeps the file's text inside its block
    expect(issue?.body).toContain("`````\nx = 1 ```` y\n`````");
    expect(issue?.notes).toEqual(["secret: not read (outside the workspace)", "image content is not used"]);
  });

  it("answers undefined for a prompt without text, and keeps paths inside the workspace", async () => {
    expect(await issueFromPrompt([{ type: "text", text: "  \n " }], "/ws", async () => "")).toBeUndefined();
    expect(workspacePath("file:///ws/../etc/x", "/ws")).toBeUndefined();
    expect(workspacePath("file:///ws", "/ws")).toBeUndefined();
    expect(workspacePath("https://example.com/ws/a", "/ws")).toBeUndefined();
    expect(workspacePath("file:///ws/a%20b.ts", "/ws")).toBe("a b.ts");
  });
});

describe("filePatches", () => {
  const diff = [
    "diff --git a/a.txt b/a.txt",
    "--- a/a.txt",
    "+++ b/a.txt",
    "@@ -1,2 +1,2 @@",
    " one",
    "-two",
    "+TWO",
    "",
  ].join("\n");

  it("applies a hunk to content whose other lines changed, and refuses content whose changed lines differ", () => {
    const [patch] = filePatches(diff);
    expect(patch?.apply("zero\none\ntwo\nthree\n")).toBe("zero\none\nTWO\nthree\n");
    expect(patch?.apply("one\n2\n")).toBeUndefined();
  });
});

describe("RunUpdates", () => {
  it("streams the plan, moves its entries with the phases, and shows test runs as execute tool calls", () => {
    const sent: SessionUpdate[] = [];
    const updates = new RunUpdates((update) => sent.push(update));
    updates.onEvent({ type: "phase", phase: "test", detail: "base commit", elapsedMs: 1 });
    updates.onEvent({ type: "tests", which: "before", passed: 2, failed: 1, exitCode: 1, elapsedMs: 2 });
    updates.onEvent({
      type: "plan",
      summary: "Guard it",
      steps: [{ intent: "Return None", files: ["calc.py"], agent: "tanuki-coder" }],
      elapsedMs: 3,
    });
    updates.onEvent({ type: "phase", phase: "code", attempt: 1, elapsedMs: 4 });
    updates.onEvent({ type: "phase", phase: "test", attempt: 1, elapsedMs: 5 });
    const plans = sent.flatMap((update) => (update.sessionUpdate === "plan" ? [update.entries] : []));
    expect(plans[0]?.map((entry) => entry.status)).toEqual(["pending", "pending", "pending", "pending"]);
    expect(plans.at(-1)?.map((entry) => entry.status)).toEqual(["completed", "in_progress", "pending", "pending"]);
    expect(plans[0]?.[0]?.content).toBe("Return None (calc.py)");
    const tests = sent.filter((update) => update.sessionUpdate === "tool_call_update");
    expect(tests[0]).toMatchObject({ toolCallId: "tests-1", status: "failed" });
    updates.finishPlan();
    const last = sent.at(-1);
    expect(last?.sessionUpdate === "plan" && last.entries.every((entry) => entry.status === "completed")).toBe(true);
  });
});
