import { lookup } from "node:dns";
import { createServer, type Server } from "node:https";
import type { AddressInfo, LookupFunction } from "node:net";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExternalTools } from "../../../src/core/external-tools.js";
import { connectMcpEndpoints } from "../../../src/mcp/mcp-client.js";
import { pinnedFetch, publicOnlyFetch } from "../../../src/mcp/public-fetch.js";
import { selfSignedCertificate } from "../../helpers/local-registries.js";

/** A stateless Streamable HTTP MCP server (the SDK's) on HTTPS at /mcp, with one read-only tool. */
async function startHttpsMcpServer(): Promise<{ url: string; cert: string; server: Server; headers: string[] }> {
  const tls = await selfSignedCertificate("localhost");
  const headers: string[] = [];
  const server = createServer({ key: tls.key, cert: tls.cert }, async (req, res) => {
    headers.push(...Object.keys(req.headers));
    const mcp = new McpServer({ name: "https-tools", version: "1.0.0" });
    mcp.registerTool("lookup", { description: "Looks a word up.", annotations: { readOnlyHint: true } }, async () => ({
      content: [{ type: "text", text: "a word, looked up over https" }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void mcp.close());
    await mcp.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://localhost:${port}/mcp`, cert: tls.cert, server, headers };
}

/** The test's stand-in for a public name: `localhost` resolved to the loopback address the server listens on. */
const loopbackLookup: LookupFunction = (hostname, options, callback) =>
  lookup(hostname, { ...options, family: 4 }, callback);

describe("repository MCP servers over https: the pinned fetch speaks Streamable HTTP with the SDK", () => {
  let endpoint: Awaited<ReturnType<typeof startHttpsMcpServer>>;
  let tools: ExternalTools | undefined;
  beforeAll(async () => {
    endpoint = await startHttpsMcpServer();
  });
  afterAll(async () => {
    await tools?.close();
    await new Promise((resolve) => endpoint.server.close(resolve));
  });

  it("lists and calls a read-only tool through pinnedFetch; publicOnlyFetch refuses the same (loopback) server", async () => {
    tools = await connectMcpEndpoints([
      {
        name: "vendor",
        tools: ["lookup"],
        allowWrite: false,
        timeoutMs: 20_000,
        transport: () =>
          new StreamableHTTPClientTransport(new URL(endpoint.url), {
            fetch: pinnedFetch({ lookup: loopbackLookup, ca: endpoint.cert }),
          }),
      },
    ]);
    expect(tools.list().map((tool) => tool.name)).toEqual(["lookup"]);
    expect((await tools.call("vendor", "lookup", {})).text).toBe("a word, looked up over https");
    expect(endpoint.headers).not.toContain("authorization");
    expect(endpoint.headers).not.toContain("cookie");

    const before = endpoint.headers.length;
    await expect(publicOnlyFetch(endpoint.url, { method: "POST", body: "{}" })).rejects.toThrow(/private address/);
    expect(endpoint.headers.length).toBe(before);
  });
});
