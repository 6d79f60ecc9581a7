import { type ChildProcess, spawn } from "node:child_process";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { pathToFileURL } from "node:url";
import {
  type ClientContext,
  client,
  ndJsonStream,
  PROTOCOL_VERSION,
  type RequestPermissionRequest,
  type RequestPermissionResponse,
  type SessionUpdate,
} from "@agentclientprotocol/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CALC_PY, createBuggyPythonRepo } from "../../unit/loop/fixtures/buggy-python-repo.js";

const ENTRY = join(import.meta.dirname, "..", "..", "helpers", "acp-scripted-entry.ts");

/** An unsaved edit the "editor" holds in its buffer of calc.py, on a line the fix does not touch. */
const UNSAVED_LINE = "# unsaved note from the editor\n";

/** A minimal editor: buffers over the disk, recorded requests, permission answers from a queue. */
class FakeEditor {
  readonly reads: string[] = [];
  readonly writes: { path: string; content: string }[] = [];
  readonly permissions: RequestPermissionRequest[] = [];
  readonly updates: SessionUpdate[] = [];
  /** What the next permission requests are answered (`cancel`: send session/cancel, then answer `cancelled`). */
  answers: ("apply" | "decline" | "cancel")[] = [];
  /** Called for each update (e.g. to cancel at a known point). */
  onUpdate: (update: SessionUpdate, agent: ClientContext) => void = () => undefined;
  readonly buffers = new Map<string, string>();

  app() {
    return client({ name: "fake-editor" })
      .onRequest("fs/read_text_file", async ({ params }) => {
        this.reads.push(params.path);
        return { content: this.buffers.get(params.path) ?? (await readFile(params.path, "utf8")) };
      })
      .onRequest("fs/write_text_file", ({ params }) => {
        this.writes.push({ path: params.path, content: params.content });
        this.buffers.set(params.path, params.content);
      })
      .onRequest("session/request_permission", async ({ params, agent }): Promise<RequestPermissionResponse> => {
        this.permissions.push(params);
        const answer = this.answers.shift() ?? "decline";
        if (answer === "cancel") {
          await agent.notify("session/cancel", { sessionId: params.sessionId });
          return { outcome: { outcome: "cancelled" } };
        }
        return { outcome: { outcome: "selected", optionId: answer === "apply" ? "apply" : "decline" } };
      })
      .onNotification("session/update", ({ params, agent }) => {
        this.updates.push(params.update);
        this.onUpdate(params.update, agent);
      });
  }
}

/** Starts the agent process (in the project folder, where tsx resolves; sessions name their own folders). */
function startAgent(script: "fix" | "hang"): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", ENTRY], {
    env: { ...process.env, TANUKI_TEST_SCRIPT: script },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Connects `editor` to the child over its stdio and runs `op` with the agent-side context. */
async function drive<T>(child: ChildProcess, editor: FakeEditor, op: (agent: ClientContext) => Promise<T>): Promise<T> {
  const stream = ndJsonStream(
    Writable.toWeb(child.stdin as Writable) as WritableStream<Uint8Array>,
    Readable.toWeb(child.stdout as Readable) as ReadableStream<Uint8Array>,
  );
  return editor.app().connectWith(stream, async (agent) => {
    const init = await agent.request("initialize", {
      protocolVersion: PROTOCOL_VERSION,
      clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: false },
    });
    expect(init.agentInfo?.name).toBe("tanuki");
    return op(agent);
  });
}

const text = (update: SessionUpdate) =>
  "content" in update && !Array.isArray(update.content) && update.content?.type === "text" ? update.content.text : "";

describe("`tanuki acp` driven by the ACP SDK's client over stdio (scripted model, fake sandbox, real git)", () => {
  let repo: string;
  let root: string;
  let git: (...args: string[]) => Promise<string>;
  let child: ChildProcess | undefined;
  let stderr = "";

  beforeEach(async () => {
    ({ repo, root, git } = await createBuggyPythonRepo());
    stderr = "";
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    child = undefined;
    await rm(root, { recursive: true, force: true });
  });

  const start = (script: "fix" | "hang") => {
    child = startAgent(script);
    child.stderr?.on("data", (chunk) => {
      stderr += String(chunk);
    });
    return child;
  };

  it("reads the attached file and the changed files through the editor, asks permission, applies only when allowed", async () => {
    const editor = new FakeEditor();
    const calcPath = join(repo, "calc.py");
    editor.buffers.set(calcPath, `${CALC_PY}${UNSAVED_LINE}`);
    editor.answers = ["decline", "apply"];
    const agentProcess = start("fix");
    await drive(agentProcess, editor, async (agent) => {
      const session = await agent.buildSession(repo).start();
      const prompt = [
        { type: "text" as const, text: "divide() crashes on zero\nThe docstring says dividing by zero returns None." },
        { type: "resource_link" as const, name: "calc.py", uri: pathToFileURL(calcPath).href },
      ];

      // First prompt: the user declines the change.
      const first = await session.prompt(prompt);
      expect(first.stopReason, stderr).toBe("end_turn");
      expect(editor.writes).toEqual([]);

      // Second prompt: the user applies it.
      const second = await session.prompt(prompt);
      expect(second.stopReason, stderr).toBe("end_turn");
      session.dispose();
    });

    // The attached file was read through the editor (its buffer), and each changed file before the offer.
    expect(editor.reads.filter((path) => path === calcPath).length).toBeGreaterThanOrEqual(4);
    expect(editor.reads).toContain(join(repo, "tests/test_zero.py"));

    // Two permission requests, each showing the diff of both files, with apply / always / decline options.
    expect(editor.permissions).toHaveLength(2);
    const asked = editor.permissions[1];
    expect(asked?.options.map((option) => option.kind)).toEqual(["allow_once", "allow_always", "reject_once"]);
    const diffs = (asked?.toolCall.content ?? []).flatMap((item) => (item.type === "diff" ? [item] : []));
    expect(diffs.map((diff) => diff.path).sort()).toEqual([calcPath, join(repo, "tests/test_zero.py")]);

    // Applied to the editor's buffer: the fix is there and the user's unsaved line survived.
    const written = new Map(editor.writes.map((write) => [write.path, write.content]));
    expect(written.get(calcPath)).toContain("if b == 0:");
    expect(written.get(calcPath)).toContain(UNSAVED_LINE);
    expect(written.get(join(repo, "tests/test_zero.py"))).toContain("def test_zero_divisor");
    // The editor writes; the agent itself never touched the working tree.
    expect(await readFile(calcPath, "utf8")).toBe(CALC_PY);
    expect(await git("status", "--porcelain", "--untracked-files=no")).toBe("");

    // Streamed: the plan (complete at the end), the sandbox test runs as execute tool calls, the report.
    const plans = editor.updates.filter((update) => update.sessionUpdate === "plan");
    expect(plans.length).toBeGreaterThan(0);
    const lastPlan = plans.at(-1);
    expect(lastPlan?.sessionUpdate === "plan" && lastPlan.entries[0]?.content).toContain("Return None when b is 0");
    expect(lastPlan?.sessionUpdate === "plan" && lastPlan.entries.every((entry) => entry.status === "completed")).toBe(
      true,
    );
    const executes = editor.updates.filter(
      (update) => update.sessionUpdate === "tool_call" && update.kind === "execute",
    );
    expect(executes.length).toBeGreaterThanOrEqual(2);
    const messages = editor.updates
      .filter((update) => update.sessionUpdate === "agent_message_chunk")
      .map(text)
      .join("");
    expect(messages).toContain("**fixed**");
    expect(messages).toContain("Not applied: you declined the change.");
    expect(messages).toContain("Applied to 2 file(s) in the editor.");
    // Each prompt's result also lives on its own branch.
    const branches = await git("branch", "--list", "tanuki/editor-*");
    expect(branches.split("\n")).toHaveLength(2);
  });

  it("a cancel while the permission request is open withdraws the change and answers cancelled", async () => {
    const editor = new FakeEditor();
    editor.answers = ["cancel"];
    await drive(start("fix"), editor, async (agent) => {
      const session = await agent.buildSession(repo).start();
      const answer = await session.prompt("divide() crashes on zero");
      expect(answer.stopReason, stderr).toBe("cancelled");
      session.dispose();
    });
    expect(editor.permissions).toHaveLength(1);
    expect(editor.writes).toEqual([]);
  });

  it("session/cancel stops a running loop (the model call is aborted) and the prompt answers cancelled", async () => {
    const editor = new FakeEditor();
    let cancelled = false;
    editor.onUpdate = (update, agent) => {
      // The plan phase starts (its model call then waits until it is cancelled): cancel there.
      if (!cancelled && update.sessionUpdate === "agent_thought_chunk" && text(update).startsWith("plan")) {
        cancelled = true;
        void agent.notify("session/cancel", { sessionId: sessionId as string });
      }
    };
    let sessionId: string | undefined;
    await drive(start("hang"), editor, async (agent) => {
      const session = await agent.buildSession(repo).start();
      sessionId = session.sessionId;
      const answer = await session.prompt("divide() crashes on zero");
      expect(answer.stopReason, stderr).toBe("cancelled");
      session.dispose();
    });
    expect(cancelled).toBe(true);
    expect(editor.permissions).toEqual([]);
    expect(editor.writes).toEqual([]);
  });

  it("refuses a session on a folder that is not a git repository, saying why", async () => {
    const editor = new FakeEditor();
    await writeFile(join(root, "note.txt"), "not a repository\n");
    await drive(start("fix"), editor, async (agent) => {
      await expect(agent.buildSession(root).start()).rejects.toThrow(/not a git repository/);
      await expect(agent.buildSession("relative/path").start()).rejects.toThrow(/absolute/);
    });
  });
});
