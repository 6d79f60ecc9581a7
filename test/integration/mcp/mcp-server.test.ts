import { type ChildProcess, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeWithSandbox, TEST_SANDBOX_IMAGE } from "../../sandbox/sandbox-test-env.js";
import { createBuggyPythonRepo } from "../../unit/loop/fixtures/buggy-python-repo.js";

const ENTRY = join(import.meta.dirname, "..", "..", "helpers", "mcp-scripted-entry.ts");

const describeDocker = await describeWithSandbox();

describe("`tanuki mcp` driven by the MCP SDK's client (scripted model, fake sandbox, real git)", () => {
  let repo: string;
  let root: string;
  let git: (...args: string[]) => Promise<string>;
  let client: Client | undefined;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    ({ repo, root, git } = await createBuggyPythonRepo());
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child?.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    child = undefined;
    const { rm } = await import("node:fs/promises");
    await rm(root, { recursive: true, force: true });
  });

  it("over stdio: lists fix, review and eval with schemas, and a fix call streams progress and returns structured content", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--import", "tsx", ENTRY],
      env: { ...(process.env as Record<string, string>), TANUKI_TEST_SCRIPT: "fix" },
      stderr: "pipe",
    });
    client = new Client({ name: "test-client", version: "1.0.0" });
    await client.connect(transport);

    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["eval", "fix", "review"]);
    const fix = tools.find((tool) => tool.name === "fix");
    expect(fix?.inputSchema.required).toEqual(expect.arrayContaining(["repo", "title"]));
    expect(fix?.outputSchema?.properties).toHaveProperty("outcome");

    const progress: Progress[] = [];
    const result = await client.callTool(
      { name: "fix", arguments: { repo, title: "divide() crashes on zero", body: "divide(1, 0) should return None" } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    expect(result.isError).toBeFalsy();
    const out = result.structuredContent as Record<string, unknown>;
    expect(out.outcome).toBe("fixed");
    expect(out.filesChanged).toEqual(["calc.py", "tests/test_zero.py"]);
    expect(out.diff).toContain("+    if b == 0:");
    expect(out.tests).toMatchObject({ before: { exitCode: 1 }, after: { exitCode: 0 } });
    // the result branch exists in the repository with the fix
    expect(await git("show", `${out.branch as string}:calc.py`)).toContain("if b == 0:");
    // progress notifications followed the loop's phases, in order
    const messages = progress.map((p) => p.message ?? "");
    expect(messages.some((m) => m.startsWith("plan chosen"))).toBe(true);
    expect(messages.some((m) => m.startsWith("tests after"))).toBe(true);
    expect(progress.map((p) => p.progress)).toEqual(progress.map((_, index) => index + 1));
    // the same structured result as JSON text, for clients without structured content
    expect(JSON.parse((result.content as { text: string }[])[0]?.text ?? "{}").outcome).toBe("fixed");

    // a bad call is a tool error with the reason, not a crash of the server
    const bad = await client.callTool({ name: "fix", arguments: { repo: join(root, "missing"), title: "x" } });
    expect(bad.isError).toBe(true);
    expect((bad.content as { text: string }[])[0]?.text).toMatch(/does not exist|not a git repository/);
  });

  it("over Streamable HTTP: lists the tools and a review call returns the reviewer's verdict as structured content", async () => {
    child = spawn(process.execPath, ["--import", "tsx", ENTRY, "--http"], {
      env: { ...process.env, TANUKI_TEST_SCRIPT: "fix" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let err = "";
      child?.once("exit", (code) => reject(new Error(`tanuki mcp exited with ${code}: ${err}`)));
      child?.stderr?.on("data", (chunk) => {
        err += String(chunk);
        const match = /listening on (http:\/\/\S+)/.exec(err);
        if (match) resolve(match[1] as string);
      });
    });
    // A change to review: the fix committed on a branch.
    await git("checkout", "-q", "-b", "guard");
    const { writeFile } = await import("node:fs/promises");
    await writeFile(
      join(repo, "calc.py"),
      "def divide(a, b):\n    if b == 0:\n        return None\n    return a / b\n",
    );
    await git("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-q", "-am", "guard");

    client = new Client({ name: "test-client", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["eval", "fix", "review"]);
    const progress: Progress[] = [];
    const result = await client.callTool(
      { name: "review", arguments: { repo, base: "main", head: "guard" } },
      undefined,
      { onprogress: (p) => progress.push(p) },
    );
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const out = result.structuredContent as Record<string, unknown>;
    expect(out.verdict).toBe("approve");
    expect(out.headSha).toBe(await git("rev-parse", "guard"));
    expect(out.findings).toEqual([]);
    expect(progress.length).toBeGreaterThan(0);

    // a request naming another host (DNS rebinding) is refused
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = httpRequest(url, { method: "POST", headers: { host: "evil.example" } }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.once("error", reject);
      request.end("{}");
    });
    expect(status).toBe(403);
  });
});

describeDocker("`tanuki mcp` eval tool (MCP SDK client, real Docker sandbox, real git)", () => {
  let root: string | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    await client?.close();
    client = undefined;
    const { rm } = await import("node:fs/promises");
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("scores a commit that fixes a failing test: fail→pass by name, verdict improved; a missing commit is a tool error", async () => {
    const fixture = await createBuggyPythonRepo();
    root = fixture.root;
    const { repo, git } = fixture;
    const { writeFile } = await import("node:fs/promises");
    await writeFile(
      join(repo, "calc.py"),
      "def divide(a, b):\n    if b == 0:\n        return None\n    return a / b\n\n\ndef add(a, b):\n    return a + b\n",
    );
    await git("-c", "user.name=Dev", "-c", "user.email=dev@example.com", "commit", "-q", "-am", "guard");
    const before = await git("status", "--porcelain");

    client = new Client({ name: "test-client", version: "1.0.0" });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: ["--import", "tsx", ENTRY],
        env: {
          ...(process.env as Record<string, string>),
          TANUKI_TEST_SCRIPT: "fix",
          TANUKI_SANDBOX_IMAGE: TEST_SANDBOX_IMAGE,
        },
        stderr: "pipe",
      }),
    );
    const { tools } = await client.listTools();
    const evalTool = tools.find((tool) => tool.name === "eval");
    expect(evalTool?.inputSchema.required).toEqual(["repo", "base"]);
    expect(evalTool?.outputSchema?.properties).toHaveProperty("failToPass");

    const progress: Progress[] = [];
    const result = await client.callTool({ name: "eval", arguments: { repo, base: "HEAD~1" } }, undefined, {
      onprogress: (p) => progress.push(p),
    });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    const out = result.structuredContent as Record<string, unknown>;
    const fixed = "tests.test_calc::test_divide_by_zero_returns_none";
    expect(out.failToPass).toEqual([fixed]);
    expect(out.passToFail).toEqual([]);
    expect(out.passToPass).toEqual(["tests.test_calc::test_add", "tests.test_calc::test_divide"]);
    expect(out.verdict).toBe("improved");
    expect(out.counts).toEqual({ failToPass: 1, passToFail: 0, passToPass: 2, failToFail: 0 });
    expect(out.tests).toContainEqual({ id: fixed, before: "failed", after: "passed" });
    expect(out.base).toMatchObject({ sha: await git("rev-parse", "HEAD~1"), exitCode: 1, passed: 2, failed: 1 });
    expect(out.head).toMatchObject({ sha: await git("rev-parse", "HEAD"), exitCode: 0, passed: 3, failed: 0 });
    expect((out.head as { command: string }).command).toContain("pytest");
    expect(progress.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringContaining("tests at base"), expect.stringContaining("tests at head")]),
    );
    // read-only: the working tree and the branches are as they were
    expect(await git("status", "--porcelain")).toBe(before);

    const missing = await client.callTool({ name: "eval", arguments: { repo, base: "no-such-branch" } });
    expect(missing.isError).toBe(true);
    expect((missing.content as { text: string }[])[0]?.text).toMatch(/No commit "no-such-branch"/);
  });
});
