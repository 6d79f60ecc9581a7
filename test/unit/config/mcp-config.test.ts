import { describe, expect, it } from "vitest";
import { parseMcpClientConfig } from "../../../src/config/mcp-config.js";
import { ConfigError } from "../../../src/core/errors.js";

describe("parseMcpClientConfig (the file of --mcp-config)", () => {
  it("reads YAML with defaults: read-only tools, 30 s per call, no extra environment", () => {
    const config = parseMcpClientConfig(
      "servers:\n  - name: docs\n    command: npx\n    args: [docs-server]\n    tools: [search_docs]\n",
      "servers.yml",
    );
    expect(config.servers[0]).toMatchObject({ name: "docs", allowWrite: false, timeoutMs: 30_000, env: {} });
  });

  it("names the file and every invalid field: both command and url, no allowlist, duplicate names", () => {
    const text = JSON.stringify({
      servers: [
        { name: "a", command: "x", url: "https://example.com/mcp", tools: ["t"] },
        { name: "a", url: "https://example.com/mcp", tools: [] },
      ],
    });
    expect(() => parseMcpClientConfig(text, "servers.json")).toThrow(ConfigError);
    expect(() => parseMcpClientConfig(text, "servers.json")).toThrow(/servers\.json.*exactly one of command/);
    expect(() => parseMcpClientConfig(text, "servers.json")).toThrow(/servers\.1\.tools/);
  });

  it("refuses a non-HTTP url and text that is not YAML", () => {
    expect(() =>
      parseMcpClientConfig('{"servers":[{"name":"a","url":"file:///etc/passwd","tools":["t"]}]}', "f"),
    ).toThrow(/servers\.0\.url/);
    expect(() => parseMcpClientConfig("servers: [", "f")).toThrow(/not valid YAML/);
  });
});
