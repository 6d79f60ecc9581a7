import { describe, expect, it } from "vitest";
import { parseRepoConfig, type RepoConfig, toRunConfig } from "../../../src/config/repo-config.js";
import { RunConfig } from "../../../src/config/run-config.js";

/** The config of `text`, or the test fails with its problems. */
function valid(text: string): RepoConfig {
  const parsed = parseRepoConfig(text);
  if (!parsed.ok) throw new Error(parsed.issues.join("; "));
  return parsed.config;
}

function issues(text: string): string {
  const parsed = parseRepoConfig(text);
  return parsed.ok ? "" : parsed.issues.join("\n");
}

const STDIO = "mcp:\n  servers:\n    - name: repo\n      command: python3 tools/mcp.py\n      tools: [facts]\n";

describe(".github/tanuki.yml: mcp.servers", () => {
  it("defaults to no servers; a stdio server gets a 30 s call limit and no extra environment", () => {
    expect(valid("").mcp.servers).toEqual([]);
    expect(valid(STDIO).mcp.servers).toEqual([
      { name: "repo", command: "python3 tools/mcp.py", env: {}, tools: ["facts"], timeoutMs: 30_000 },
    ]);
  });

  it("a repository cannot allow write tools, nor pass host arguments: unknown keys are errors", () => {
    expect(issues(`${STDIO}      allowWrite: true\n`)).toMatch(/mcp\.servers\.0: Unrecognized key: "allowWrite"/);
    expect(issues(`${STDIO}      args: [x]\n`)).toMatch(/Unrecognized key: "args"/);
  });

  it("refuses plain http, both or neither transport, an empty allowlist, duplicate names and a long call limit", () => {
    expect(issues("mcp:\n  servers:\n    - { name: a, url: 'http://example.com/mcp', tools: [t] }\n")).toMatch(
      /mcp\.servers\.0\.url/,
    );
    expect(issues("mcp:\n  servers:\n    - { name: a, url: 'https://x.org/mcp', command: c, tools: [t] }\n")).toMatch(
      /exactly one of command/,
    );
    expect(issues("mcp:\n  servers:\n    - { name: a, command: c, tools: [] }\n")).toMatch(/mcp\.servers\.0\.tools/);
    expect(
      issues(
        "mcp:\n  servers:\n    - { name: a, command: c, tools: [t] }\n    - { name: a, command: d, tools: [t] }\n",
      ),
    ).toMatch(/server names must be unique/);
    expect(issues("mcp:\n  servers:\n    - { name: a, command: c, tools: [t], timeoutMs: 600000 }\n")).toMatch(
      /timeoutMs/,
    );
  });

  it("reaches the run only when the operator allows repository MCP servers (off by default)", () => {
    const repo = valid(STDIO);
    expect(toRunConfig(repo, RunConfig.parse({})).mcp).toEqual({ allowRepoServers: false, servers: [] });
    const allowed = toRunConfig(repo, RunConfig.parse({ mcp: { allowRepoServers: true } }));
    expect(allowed.mcp.servers.map((server) => server.name)).toEqual(["repo"]);
  });
});
