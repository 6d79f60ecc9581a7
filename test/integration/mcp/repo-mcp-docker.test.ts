import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { parseRepoConfig, toRunConfig } from "../../../src/config/repo-config.js";
import { RunConfig } from "../../../src/config/run-config.js";
import { runFix } from "../../../src/loop/run-fix.js";
import { openRepoMcpTools } from "../../../src/mcp/repo-mcp.js";
import { ScriptedModel } from "../../helpers/scripted-model.js";
import { describeWithSandbox, TEST_SANDBOX_IMAGE } from "../../sandbox/sandbox-test-env.js";
import { createBuggyPythonRepo, FIX_EDIT, ISSUE } from "../../unit/loop/fixtures/buggy-python-repo.js";
import { baseScript } from "../../unit/loop/run-fix-harness.js";
import { jobContainers, realDeps } from "../loop/docker-loop-env.js";

const describeDocker = await describeWithSandbox();

const SERVER = join(import.meta.dirname, "..", "..", "fixtures", "mcp", "sandbox_mcp_server.py");

/** The fixture repository's `.github/tanuki.yml`: one stdio server, two tools allowlisted (one of them a write tool). */
const TANUKI_YML = `mcp:
  servers:
    - name: repo
      command: python3 tools/mcp_server.py
      env: { GREETING: from-the-repository }
      tools: [sandbox_facts, write_note]
      timeoutMs: 20000
`;

/** The operator's run configuration, with repository MCP servers allowed or not. */
function operator(allowRepoServers: boolean): RunConfig {
  return RunConfig.parse({
    budgets: { maxAttempts: 1 },
    planCandidates: 2,
    sandbox: { image: TEST_SANDBOX_IMAGE },
    mcp: { allowRepoServers },
  });
}

describeDocker("repository MCP servers (.github/tanuki.yml) run inside the job's Docker sandbox", () => {
  let repo: string;
  let root: string;
  let workRoot: string;

  beforeEach(async () => {
    let git: (...args: string[]) => Promise<string>;
    ({ repo, root, git } = await createBuggyPythonRepo());
    await mkdir(join(repo, ".github"), { recursive: true });
    await mkdir(join(repo, "tools"), { recursive: true });
    await writeFile(join(repo, ".github", "tanuki.yml"), TANUKI_YML);
    await writeFile(join(repo, "tools", "mcp_server.py"), await readFile(SERVER, "utf8"));
    await git("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "add", "-A");
    await git("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-q", "-m", "mcp server");
    workRoot = await mkdtemp(join(tmpdir(), "tanuki-repo-mcp-"));
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(root, { recursive: true, force: true });
    await rm(workRoot, { recursive: true, force: true });
  });

  /** Runs the loop with the fixture's configuration mapped onto `operator(allow)`; the planner asks for 3 calls. */
  async function run(allow: boolean) {
    const parsed = parseRepoConfig(await readFile(join(repo, ".github", "tanuki.yml"), "utf8"));
    if (!parsed.ok) throw new Error(parsed.issues.join("; "));
    const script = {
      ...baseScript(),
      "tanuki-planner:ToolCallsOutput": {
        calls: [
          { server: "repo", tool: "sandbox_facts", arguments: {} },
          { server: "repo", tool: "write_note", arguments: { text: "pwned" } },
          { server: "repo", tool: "hidden_facts", arguments: {} },
        ],
      },
      "tanuki-coder": { explanation: "Guard the divisor.", edits: [FIX_EDIT] },
    };
    const model = new ScriptedModel(script);
    const { deps, trace, events } = realDeps(model, workRoot);
    const task = {
      id: `repo-mcp-${process.pid}-${Date.now()}`,
      kind: "fix" as const,
      repoPath: repo,
      issue: { ...ISSUE },
    };
    const result = await runFix(task, toRunConfig(parsed.config, operator(allow)), {
      ...deps,
      openRepoTools: openRepoMcpTools,
    });
    return { result, trace, model, events, task };
  }

  it("the planner's call reaches the server in the sandbox (no network, no secrets, sandbox user); write and unlisted tools are refused", async () => {
    vi.stubEnv("GITHUB_TOKEN", "ghs_not_for_servers");
    vi.stubEnv("TANUKI_WEBHOOK_SECRET", "not-for-servers");
    const { result, trace, events, task } = await run(true);
    expect(result.outcome).toBe("fixed");

    const [start, facts, write, hidden, ...more] = trace.toolCalls("mcp");
    expect(more).toEqual([]);
    expect(start?.input).toEqual({ op: "start", servers: ["repo"], declaredBy: "repository" });
    // only the read-only allowlisted tool is listed: write_note is not declared read-only, hidden_facts not allowlisted
    expect(start?.output).toEqual({ tools: ["repo/sandbox_facts"] });
    expect(events.some((e) => e.type === "log" && /write_note is not declared read-only/.test(e.message))).toBe(true);

    const answer = String(facts?.output);
    expect(answer).toMatch(/<untrusted-data label="answer of tool repo\/sandbox_facts" id="[0-9a-f]{12}">/);
    const shown = JSON.parse(answer.slice(answer.indexOf("{"), answer.indexOf("}") + 1)) as Record<string, unknown>;
    expect(shown).toMatchObject({
      hostname: "sandbox",
      cwd: "/workspace",
      interfaces: ["lo"],
      outside_reachable: false,
      secret_like_env: [],
      declared_env: "from-the-repository",
    });
    expect(shown.uid).not.toBe(0);

    expect(write?.input).toMatchObject({ tool: "write_note" });
    expect(JSON.stringify(write?.output)).toMatch(/not allowed/);
    expect(JSON.stringify(hidden?.output)).toMatch(/not allowed/);
    expect(result.attempts.map((attempt) => attempt.diff).join("\n")).not.toContain("NOTE.txt");
    // the server's container is gone with the rest of the job's
    expect(await jobContainers(task.id)).toEqual([]);
  });

  it("with the operator's switch off, the repository's servers are never started nor offered to the planner", async () => {
    const { result, trace, model } = await run(false);
    expect(result.outcome).toBe("fixed");
    expect(trace.toolCalls("mcp")).toEqual([]);
    expect(model.calls.some((call) => call.schemaName === "ToolCallsOutput")).toBe(false);
  });
});
