import { describe, expect, it } from "vitest";
import { EnvironmentConfig } from "../../../src/config/environment-config.js";
import { RepoMcpServerConfig } from "../../../src/config/mcp-config.js";
import { isPrivateAddress, publicOnlyFetch } from "../../../src/mcp/public-fetch.js";
import { egressAllows, openRepoMcpTools } from "../../../src/mcp/repo-mcp.js";
import type { Sandbox } from "../../../src/sandbox/sandbox.js";

const environment = EnvironmentConfig.parse({
  allowHosts: ["docs.example.org", ".example.net", "api.example.com:8443"],
});

describe("repository MCP servers over https: the job's egress allowlist and public addresses only", () => {
  it("egressAllows: listed names and domains on 443, host:port entries on their port, registries; nothing else", () => {
    expect(egressAllows("https://docs.example.org/mcp", environment)).toBe(true);
    expect(egressAllows("https://tools.example.net/mcp", environment)).toBe(true);
    expect(egressAllows("https://api.example.com:8443/mcp", environment)).toBe(true);
    expect(egressAllows("https://registry.npmjs.org/mcp", environment)).toBe(true);
    expect(egressAllows("https://api.example.com/mcp", environment)).toBe(false);
    expect(egressAllows("https://docs.example.org:8443/mcp", environment)).toBe(false);
    expect(egressAllows("https://evil.org/mcp", environment)).toBe(false);
  });

  it("a url whose host is not on the allowlist is refused before any connection", async () => {
    const server = RepoMcpServerConfig.parse({ name: "docs", url: "https://evil.org/mcp", tools: ["search"] });
    const sandbox = { id: "unused" } as Sandbox;
    await expect(openRepoMcpTools([server], { sandbox, environment })).rejects.toThrow(
      /evil\.org is not on the job's egress allowlist/,
    );
  });

  it("private, loopback, link-local and metadata addresses are refused, also behind a name", async () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "169.254.169.254",
      "192.168.1.1",
      "::1",
      "fd00::1",
      "::ffff:10.0.0.1",
    ]) {
      expect(isPrivateAddress(address)).toBe(true);
    }
    expect(isPrivateAddress("93.184.215.14")).toBe(false);
    await expect(publicOnlyFetch("https://169.254.169.254/latest/meta-data")).rejects.toThrow(/private address/);
    await expect(publicOnlyFetch("https://localhost:9/mcp")).rejects.toThrow(/private address/);
    await expect(publicOnlyFetch("http://docs.example.org/mcp")).rejects.toThrow(/only https/);
  });
});
