import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localRunsFor, type RunEngine, withExternalTools } from "../../../src/cli/local-runs.js";
import type { ExternalTools } from "../../../src/core/external-tools.js";
import type { LoopDeps } from "../../../src/loop/loop-deps.js";
import { scriptedEngine } from "../../helpers/scripted-engine.js";
import { createBuggyPythonRepo, ISSUE } from "../../unit/loop/fixtures/buggy-python-repo.js";

const SERVER = join(import.meta.dirname, "..", "..", "helpers", "mcp-tool-server.ts");

describe("--mcp-config of tanuki acp / tanuki mcp: the servers start with the engine and serve every run", () => {
  let dir: string;
  let repo: { repo: string; root: string };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "tanuki-mcp-flag-"));
    repo = await createBuggyPythonRepo();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(repo.root, { recursive: true, force: true });
  });

  /** Runs one fix through `localRunsFor` (scripted engine) and returns the run's log messages. */
  async function logsOfOneRun(mcpConfig: string | undefined): Promise<string[]> {
    const { config, runs } = localRunsFor(
      { ...(mcpConfig ? { mcpConfig } : {}), maxAttempts: 1, plans: 1, runsDir: join(dir, "runs") },
      {
        cwd: dir,
        env: { PATH: process.env.PATH },
        stdin: new PassThrough(),
        stdout: new PassThrough(),
        stderr: { write: () => undefined },
        createEngine: () => scriptedEngine("fix"),
      },
    );
    const logs: string[] = [];
    const task = { id: "flag-run", kind: "fix" as const, repoPath: repo.repo, issue: { ...ISSUE } };
    try {
      const { result } = await runs.fix(
        task,
        config,
        (event) => {
          if (event.type === "log") logs.push(event.message);
        },
        new AbortController().signal,
      );
      expect(result.outcome).toBe("fixed");
    } finally {
      await runs.dispose();
    }
    return logs;
  }

  it("the planner is offered the allowlisted tools of the file; without the flag, none", async () => {
    const servers = {
      servers: [{ name: "docs", command: process.execPath, args: ["--import", "tsx", SERVER], tools: ["search_docs"] }],
    };
    await writeFile(join(dir, "servers.json"), JSON.stringify(servers));
    // the scripted planner has no tool choice: the consultation is asked for (tools were listed) and skipped
    const asked = /choosing external tool calls failed: .*ToolCallsOutput/;
    expect((await logsOfOneRun("servers.json")).some((line) => asked.test(line))).toBe(true);
    expect((await logsOfOneRun(undefined)).some((line) => asked.test(line))).toBe(false);
  });
});

describe("withExternalTools", () => {
  const tools = (closed: string[]): ExternalTools => ({
    list: () => [{ server: "docs", name: "search", description: "", inputSchema: {}, readOnly: true }],
    call: async () => ({ text: "", isError: false }),
    close: async () => {
      closed.push("tools");
    },
  });
  const engine = (closed: string[]): RunEngine => ({
    depsFor: () => ({ deps: {} as LoopDeps, closeTrace: async () => undefined }),
    dispose: async () => {
      closed.push("engine");
    },
  });

  it("adds the tools to every run's deps and closes them before the engine", async () => {
    const closed: string[] = [];
    const built = await withExternalTools(
      async () => engine(closed),
      async () => tools(closed),
    )();
    expect(built.depsFor({ tracePath: "t" }).deps.externalTools?.list()).toHaveLength(1);
    await built.dispose();
    expect(closed).toEqual(["tools", "engine"]);
  });

  it("a server that fails to start disposes the engine and fails the build", async () => {
    const closed: string[] = [];
    const build = withExternalTools(
      async () => engine(closed),
      async () => {
        throw new Error("MCP server docs: spawn ENOENT");
      },
    );
    await expect(build()).rejects.toThrow(/ENOENT/);
    expect(closed).toEqual(["engine"]);
  });
});
